using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The graders the emulator can compute locally: string_check and text_similarity (every metric but cosine,
    /// which needs an embedding model). Templates read <c>{{item.field}}</c>, <c>{{sample.output_text}}</c> and
    /// <c>{{sample.output_json.field}}</c>.
    /// </summary>
    internal static class Graders
    {
        private static readonly Regex Template = new Regex(@"\{\{\s*([A-Za-z0-9_.\[\]]+)\s*\}\}", RegexOptions.CultureInvariant);

        public static string Render(string template, JsonElement? item, string sample, JsonElement? sampleJson)
        {
            return Template.Replace(template, m =>
            {
                var path = m.Groups[1].Value.Split('.');
                JsonElement? root = null;
                var start = 1;
                if (path[0] == "item") root = item;
                else if (path[0] == "sample" && path.Length > 1 && path[1] == "output_text") return sample;
                else if (path[0] == "sample" && path.Length > 1 && path[1] == "output_json") { root = sampleJson; start = 2; }
                else throw new ApiError(400, $"Unknown template variable '{{{{{m.Groups[1].Value}}}}}': use item.<field>, sample.output_text or sample.output_json.", "grader", "invalid_variable_error");
                var node = root;
                for (var i = start; i < path.Length && node.HasValue; i++)
                {
                    node = node.Value.ValueKind == JsonValueKind.Object && node.Value.TryGetProperty(path[i], out var next) ? next : (JsonElement?)null;
                }
                if (!node.HasValue) return string.Empty;
                return node.Value.ValueKind == JsonValueKind.String ? node.Value.GetString() ?? string.Empty : node.Value.GetRawText();
            });
        }

        /// <summary>Runs a grader; throws an ApiError for the types the emulator cannot compute.</summary>
        public static double Run(JsonElement grader, JsonElement? item, string sample)
        {
            JsonElement? sampleJson = null;
            try
            {
                using var doc = JsonDocument.Parse(sample);
                sampleJson = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // not JSON: output_json stays empty
            }
            var type = grader.GetProperty("type").GetString();
            string Field(string name) => grader.GetProperty(name).ValueKind == JsonValueKind.String
                ? Render(grader.GetProperty(name).GetString()!, item, sample, sampleJson)
                : throw new ApiError(400, $"The grader's '{name}' must be a string template.", "grader." + name, "invalid_type");
            switch (type)
            {
                case "string_check":
                {
                    var input = Field("input");
                    var reference = Field("reference");
                    return grader.GetProperty("operation").GetString() switch
                    {
                        "eq" => input == reference ? 1 : 0,
                        "ne" => input != reference ? 1 : 0,
                        "like" => input.IndexOf(reference, StringComparison.Ordinal) >= 0 ? 1 : 0,
                        _ => input.IndexOf(reference, StringComparison.OrdinalIgnoreCase) >= 0 ? 1 : 0,
                    };
                }
                case "text_similarity":
                {
                    var metric = grader.GetProperty("evaluation_metric").GetString() ?? string.Empty;
                    return Similarity(metric, Field("input"), Field("reference"));
                }
                default:
                    throw new ApiError(400, $"The emulator cannot run graders of type '{type}'; it runs string_check and text_similarity graders (and validates every type).", "grader.type", "grader_not_supported");
            }
        }

        public static readonly string[] Metrics =
            { "cosine", "fuzzy_match", "bleu", "gleu", "meteor", "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l" };

        public static double Similarity(string metric, string candidate, string reference)
        {
            var c = Words(candidate);
            var r = Words(reference);
            switch (metric)
            {
                case "fuzzy_match": return FuzzyRatio(candidate, reference);
                case "bleu": return Bleu(c, r);
                case "gleu": return Gleu(c, r);
                case "meteor": return Meteor(c, r);
                case "rouge_l": return RougeL(c, r);
                case "cosine":
                    throw new ApiError(400, "The emulator cannot compute the 'cosine' metric: it needs an embedding model. Use fuzzy_match, bleu, gleu, meteor or rouge_*.", "grader.evaluation_metric", "grader_not_supported");
                default:
                    if (metric.StartsWith("rouge_", StringComparison.Ordinal) && int.TryParse(metric.Substring(6), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= 5)
                        return RougeN(c, r, n);
                    throw new ApiError(400, $"Unknown evaluation_metric '{metric}'; expected one of {string.Join(", ", Metrics)}.", "grader.evaluation_metric", "invalid_value");
            }
        }

        private static string[] Words(string text) =>
            Regex.Split(text.ToLowerInvariant(), @"[^\p{L}\p{N}']+").Where(w => w.Length > 0).ToArray();

        /// <summary>Normalized indel similarity of the two texts (1 - edits / total length), as fuzzy ratio scores do.</summary>
        public static double FuzzyRatio(string a, string b)
        {
            if (a.Length + b.Length == 0) return 1;
            var lcs = Lcs(a.ToCharArray(), b.ToCharArray());
            return 2.0 * lcs / (a.Length + b.Length);
        }

        private static int Lcs<T>(T[] a, T[] b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            var cmp = EqualityComparer<T>.Default;
            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                    cur[j] = cmp.Equals(a[i - 1], b[j - 1]) ? prev[j - 1] + 1 : Math.Max(prev[j], cur[j - 1]);
                var t = prev; prev = cur; cur = t;
            }
            return prev[b.Length];
        }

        private static Dictionary<string, int> NGrams(string[] words, int n)
        {
            var d = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i + n <= words.Length; i++)
            {
                var key = string.Join(" ", words, i, n);
                d.TryGetValue(key, out var k);
                d[key] = k + 1;
            }
            return d;
        }

        private static int Overlap(Dictionary<string, int> a, Dictionary<string, int> b) =>
            a.Sum(kv => b.TryGetValue(kv.Key, out var v) ? Math.Min(kv.Value, v) : 0);

        /// <summary>Sentence BLEU-4: geometric mean of clipped n-gram precisions (add-one smoothed above unigrams) times the brevity penalty.</summary>
        public static double Bleu(string[] c, string[] r)
        {
            if (c.Length == 0) return r.Length == 0 ? 1 : 0;
            double logSum = 0;
            for (var n = 1; n <= 4; n++)
            {
                var cn = NGrams(c, n);
                var total = Math.Max(0, c.Length - n + 1);
                var match = Overlap(cn, NGrams(r, n));
                double p = n == 1 ? (total == 0 ? 0 : (double)match / total) : (match + 1.0) / (total + 1.0);
                if (p <= 0) return 0;
                logSum += Math.Log(p) / 4;
            }
            var bp = c.Length >= r.Length ? 1 : Math.Exp(1 - (double)r.Length / c.Length);
            return bp * Math.Exp(logSum);
        }

        /// <summary>GLEU: matching 1- to 4-grams over the larger of the candidate's and the reference's n-gram counts.</summary>
        public static double Gleu(string[] c, string[] r)
        {
            int match = 0, cTotal = 0, rTotal = 0;
            for (var n = 1; n <= 4; n++)
            {
                var cn = NGrams(c, n);
                var rn = NGrams(r, n);
                match += Overlap(cn, rn);
                cTotal += cn.Values.Sum();
                rTotal += rn.Values.Sum();
            }
            var denominator = Math.Max(cTotal, rTotal);
            return denominator == 0 ? 1 : (double)match / denominator;
        }

        /// <summary>METEOR on exact word matches: recall-weighted harmonic mean with the fragmentation penalty.</summary>
        public static double Meteor(string[] c, string[] r)
        {
            if (c.Length == 0 || r.Length == 0) return c.Length == r.Length ? 1 : 0;
            var used = new bool[r.Length];
            var alignment = new List<int>();
            foreach (var word in c)
            {
                var j = -1;
                for (var k = 0; k < r.Length; k++) if (!used[k] && r[k] == word) { j = k; break; }
                if (j >= 0) { used[j] = true; alignment.Add(j); }
                else alignment.Add(-1);
            }
            var matches = alignment.Count(a => a >= 0);
            if (matches == 0) return 0;
            var chunks = 0;
            var prev = -2;
            foreach (var a in alignment)
            {
                if (a < 0) { prev = -2; continue; }
                if (a != prev + 1) chunks++;
                prev = a;
            }
            var p = (double)matches / c.Length;
            var rc = (double)matches / r.Length;
            var fmean = 10 * p * rc / (rc + 9 * p);
            var penalty = 0.5 * Math.Pow((double)chunks / matches, 3);
            return fmean * (1 - penalty);
        }

        public static double RougeN(string[] c, string[] r, int n)
        {
            var cn = NGrams(c, n);
            var rn = NGrams(r, n);
            var match = Overlap(cn, rn);
            int cTotal = cn.Values.Sum(), rTotal = rn.Values.Sum();
            if (cTotal == 0 || rTotal == 0 || match == 0) return 0;
            double p = (double)match / cTotal, rc = (double)match / rTotal;
            return 2 * p * rc / (p + rc);
        }

        public static double RougeL(string[] c, string[] r)
        {
            if (c.Length == 0 || r.Length == 0) return 0;
            var lcs = Lcs(c, r);
            if (lcs == 0) return 0;
            double p = (double)lcs / c.Length, rc = (double)lcs / r.Length;
            return 2 * p * rc / (p + rc);
        }
    }
}
