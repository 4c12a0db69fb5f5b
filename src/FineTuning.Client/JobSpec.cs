using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FineTuning.Datasets;

namespace FineTuning.Client
{
    /// <summary>
    /// A job written down as data (a .psd1 or .json file, or a hashtable): everything New-FineTuningJob takes, under the
    /// names of its parameters. <see cref="Read"/> checks it completely before anything is sent: unknown keys, values of
    /// the wrong kind, values out of the service's range, and data files that do not exist.
    /// </summary>
    public sealed class JobSpec
    {
        /// <summary>The keys a spec may hold, in the order a written spec lists them.</summary>
        public static readonly IReadOnlyList<string> Keys = new[]
        {
            "Model", "Method", "TrainingFile", "ValidationFile", "Epochs", "BatchSize", "LearningRateMultiplier", "Beta",
            "ReasoningEffort", "ComputeMultiplier", "EvalInterval", "EvalSamples", "Grader", "ResponseFormat", "Hyperparameters",
            "Suffix", "Seed", "Metadata", "WandbProject", "WandbName", "WandbEntity", "WandbTag",
        };

        private static readonly Regex FileIdPattern = new Regex("^file-[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant);

        public string Source { get; private set; } = string.Empty;
        public JobSpecFile? TrainingFile { get; set; }
        public JobSpecFile? ValidationFile { get; set; }

        /// <summary>
        /// Every other setting of the spec, as New-FineTuningJob's options (one list of settings and one set of rules for
        /// both); its file ids are given by <see cref="ToOptions"/>.
        /// </summary>
        public NewJobOptions Settings { get; } = new NewJobOptions();

        /// <summary>The local files to upload before the job is made, by key.</summary>
        public IEnumerable<(string Key, string Path)> LocalFiles
        {
            get
            {
                if (TrainingFile?.Path != null) yield return ("TrainingFile", TrainingFile.Path);
                if (ValidationFile?.Path != null) yield return ("ValidationFile", ValidationFile.Path);
            }
        }

        /// <summary>Reads a JSON spec's text; <paramref name="baseFolder"/> is where relative data paths start (the spec's folder).</summary>
        public static JobSpec ReadJson(string json, string source, string baseFolder, Func<string, bool>? fileExists = null) =>
            Read(ParseJson(json, source), source, baseFolder, fileExists);

        /// <summary>A JSON spec's text as plain data (keys in file order, matched without regard to case), not yet checked.</summary>
        public static IDictionary ParseJson(string json, string source)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
            }
            catch (JsonException ex)
            {
                var where = ex.LineNumber.HasValue ? $" (line {ex.LineNumber + 1})" : string.Empty;
                throw new JobSpecException(source, null, $"the file is not valid JSON{where}: {ex.Message}");
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new JobSpecException(source, null, $"a spec is a JSON object of settings; this file holds a {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
                var map = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (map.Contains(p.Name)) throw new JobSpecException(source, p.Name, "the key appears twice.");
                    map[p.Name] = Plain(p.Value);
                }
                return map;
            }
        }

        /// <summary>JSON as plain .NET values: dictionaries, lists, strings, longs or doubles, booleans, null.</summary>
        internal static object? Plain(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var map = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (var p in e.EnumerateObject()) map[p.Name] = Plain(p.Value);
                    return map;
                case JsonValueKind.Array: return e.EnumerateArray().Select(Plain).ToList();
                case JsonValueKind.String: return e.GetString();
                case JsonValueKind.Number: return e.TryGetInt64(out var l) ? (object)l : e.GetDouble();
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                default: return null;
            }
        }

        /// <summary>
        /// Reads a spec from plain data (a hashtable; PowerShell wrappers already removed). Checks every key and value;
        /// throws <see cref="JobSpecException"/> for the first problem.
        /// </summary>
        public static JobSpec Read(IDictionary data, string source, string baseFolder, Func<string, bool>? fileExists = null)
        {
            if (data is null) throw new ArgumentNullException(nameof(data));
            fileExists ??= File.Exists;
            var spec = new JobSpec { Source = source };
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in data)
            {
                var given = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                var key = Keys.FirstOrDefault(k => string.Equals(k, given, StringComparison.OrdinalIgnoreCase));
                if (key is null)
                {
                    var near = Keys.Where(k => k.StartsWith(given.Length >= 3 ? given.Substring(0, 3) : given, StringComparison.OrdinalIgnoreCase)).ToList();
                    throw new JobSpecException(source, given, "unknown key." + (near.Count > 0 ? $" Did you mean {string.Join(" or ", near.Select(n => "'" + n + "'"))}?" : string.Empty) +
                        $" A spec takes: {string.Join(", ", Keys)}.");
                }
                if (!seen.Add(key)) throw new JobSpecException(source, key, "the key appears twice.");
                var value = entry.Value;
                if (value is null) continue; // a key set to null is the same as a key left out
                spec.Set(key, value, baseFolder, fileExists);
            }
            if (spec.Settings.Model is null) throw new JobSpecException(source, "Model", "a spec needs a model, e.g. Model = 'gpt-4o-mini-2024-07-18'.");
            if (spec.TrainingFile is null) throw new JobSpecException(source, "TrainingFile", "a spec needs a training file: a path (relative to the spec's folder) or a file id such as 'file-abc123'.");
            spec.Check();
            return spec;
        }

        private void Set(string key, object value, string baseFolder, Func<string, bool> fileExists)
        {
            switch (key)
            {
                case "Model": Settings.Model = Text(key, value); break;
                case "Method":
                    var m = Text(key, value);
                    if (!Enum.TryParse<TrainingMethod>(m, true, out var method) || !Enum.IsDefined(typeof(TrainingMethod), method) || m.Trim().Length == 0 || char.IsDigit(m.Trim()[0]))
                        throw new JobSpecException(Source, key, $"'{m}' is not a method; use Supervised, Dpo or Reinforcement.");
                    Settings.Method = method;
                    break;
                case "TrainingFile": TrainingFile = DataFile(key, value, baseFolder, fileExists); break;
                case "ValidationFile": ValidationFile = DataFile(key, value, baseFolder, fileExists); break;
                case "Epochs": Settings.Epochs = Whole(key, value); break;
                case "BatchSize": Settings.BatchSize = Whole(key, value); break;
                case "LearningRateMultiplier": Settings.LearningRateMultiplier = Number(key, value); break;
                case "Beta": Settings.Beta = Number(key, value); break;
                case "ReasoningEffort": Settings.ReasoningEffort = Text(key, value); break;
                case "ComputeMultiplier": Settings.ComputeMultiplier = Number(key, value); break;
                case "EvalInterval": Settings.EvalInterval = Whole(key, value); break;
                case "EvalSamples": Settings.EvalSamples = Whole(key, value); break;
                case "Grader": Settings.Grader = Json(key, value); break;
                case "ResponseFormat": Settings.ResponseFormat = Json(key, value); break;
                case "Hyperparameters":
                    if (!(value is IDictionary h)) throw new JobSpecException(Source, key, "takes a table such as @{ n_epochs = 3 }.");
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry e in h) map[Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? string.Empty] = e.Value;
                    Settings.Hyperparameters = map;
                    break;
                case "Suffix": Settings.Suffix = Text(key, value, allowEmpty: true); break;
                case "Seed":
                    var seed = Number(key, value);
                    if (seed is null || Math.Abs(seed.Value - Math.Round(seed.Value)) > 0) throw new JobSpecException(Source, key, $"must be a whole number (got {value}).");
                    // The range is NewJobOptions.Validate's (see Check); only a value past a long is held back here.
                    Settings.Seed = seed > long.MaxValue / 2 ? long.MaxValue : seed < long.MinValue / 2 ? long.MinValue : (long)seed.Value;
                    break;
                case "Metadata":
                    if (!(value is IDictionary md)) throw new JobSpecException(Source, key, "takes a table of text values such as @{ team = 'docs' }.");
                    var meta = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (DictionaryEntry e in md)
                    {
                        var k = Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                        if (e.Value is null || e.Value is IDictionary || (e.Value is IEnumerable && !(e.Value is string)))
                            throw new JobSpecException(Source, key, $"the value of '{k}' must be text.");
                        meta[k] = Convert.ToString(e.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                    }
                    Settings.Metadata = meta;
                    break;
                case "WandbProject": Settings.WandbProject = Text(key, value); break;
                case "WandbName": Settings.WandbName = Text(key, value); break;
                case "WandbEntity": Settings.WandbEntity = Text(key, value); break;
                case "WandbTag":
                    Settings.WandbTag = value is string one ? new[] { one }
                        : value is IEnumerable list && !(value is IDictionary) ? list.Cast<object?>().Select(t => t as string ?? throw new JobSpecException(Source, key, "tags must be text.")).ToArray()
                        : throw new JobSpecException(Source, key, "takes a tag or a list of tags.");
                    break;
            }
        }

        private string Text(string key, object value, bool allowEmpty = false)
        {
            if (!(value is string s)) throw new JobSpecException(Source, key, $"must be text (got {Describe(value)}).");
            if (!allowEmpty && s.Trim().Length == 0) throw new JobSpecException(Source, key, "must not be empty.");
            return s;
        }

        private double? Number(string key, object value)
        {
            switch (value)
            {
                case string s when string.Equals(s.Trim(), "auto", StringComparison.OrdinalIgnoreCase): return null;
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed): return Finite(key, parsed);
                case bool _:
                case string _:
                    throw new JobSpecException(Source, key, $"must be a number or 'auto' (got {Describe(value)}).");
                case IConvertible c when !(value is char):
                    try { return Finite(key, c.ToDouble(CultureInfo.InvariantCulture)); }
                    catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException) { }
                    break;
            }
            throw new JobSpecException(Source, key, $"must be a number or 'auto' (got {Describe(value)}).");
        }

        private double Finite(string key, double d)
        {
            if (double.IsNaN(d) || double.IsInfinity(d)) throw new JobSpecException(Source, key, "must be a finite number.");
            return d;
        }

        private int? Whole(string key, object value)
        {
            var d = Number(key, value);
            if (d is null) return null;
            if (Math.Abs(d.Value - Math.Round(d.Value)) > 0 || d < int.MinValue || d > int.MaxValue)
                throw new JobSpecException(Source, key, $"must be a whole number or 'auto' (got {d.Value.ToString("R", CultureInfo.InvariantCulture)}).");
            return (int)d.Value;
        }

        private JsonElement Json(string key, object value)
        {
            if (value is string s)
            {
                try
                {
                    using var doc = JsonDocument.Parse(s);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JobSpecException(Source, key, "must be a table (or JSON text of an object).");
                    return doc.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new JobSpecException(Source, key, $"is text but not JSON: {ex.Message}");
                }
            }
            if (!(value is IDictionary)) throw new JobSpecException(Source, key, $"must be a table (or JSON text of an object), got {Describe(value)}.");
            try
            {
                return JsonValueConverter.FromObject(value);
            }
            catch (ArgumentException ex)
            {
                throw new JobSpecException(Source, key, ex.Message);
            }
        }

        private JobSpecFile DataFile(string key, object value, string baseFolder, Func<string, bool> fileExists)
        {
            var text = Text(key, value).Trim();
            string full;
            try
            {
                full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseFolder, text));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                throw new JobSpecException(Source, key, $"'{text}' is neither a file id nor a usable path ({ex.Message}).");
            }
            if (fileExists(full)) return JobSpecFile.Local(full);
            if (FileIdPattern.IsMatch(text)) return JobSpecFile.Remote(text);
            throw new JobSpecException(Source, key, $"file '{full}' does not exist (a relative path starts at the spec's folder, {baseFolder}); " +
                "give the path of a JSONL file or the id of an uploaded file such as 'file-abc123'.", JobSpecProblem.FileNotFound);
        }

        private static string Describe(object? value) => value switch
        {
            null => "nothing",
            string s => $"'{s}'",
            IDictionary _ => "a table",
            IEnumerable _ => "a list",
            bool b => b ? "$true" : "$false",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? value.GetType().Name,
        };

        /// <summary>The options the spec stands for, with the given file ids in place of local paths.</summary>
        public NewJobOptions ToOptions(string? trainingFileId = null, string? validationFileId = null) => Settings.WithFiles(
            trainingFileId ?? TrainingFile?.Id ?? (TrainingFile?.IsLocal == true ? "file-pending-upload" : null),
            validationFileId ?? ValidationFile?.Id ?? (ValidationFile?.IsLocal == true ? "file-pending-upload" : null));

        /// <summary>Applies the service's rules (as New-FineTuningJob does), naming the spec's key.</summary>
        public void Check()
        {
            try
            {
                ToOptions().Validate();
            }
            catch (ParameterValidationException ex)
            {
                var key = Keys.FirstOrDefault(k => k == ex.ParamName) ?? ex.ParamName;
                throw new JobSpecException(Source, key, ex.Message.Split(new[] { Environment.NewLine }, StringSplitOptions.None)[0]
                    .Replace("-" + key, key).Replace(" (Parameter '" + ex.ParamName + "')", string.Empty));
            }
        }
    }
}
