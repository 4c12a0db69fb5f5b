using System;
using System.Collections.Generic;
using System.Linq;

namespace FineTuning.Datasets
{
    /// <summary>
    /// "Did you mean" for a value that is not in a closed set (a role, a content part type, a model name): the known
    /// values closest to it by edit distance (insertions, deletions, substitutions and swaps of neighbours), ignoring
    /// case. A value is close when its distance is at most a third of its length (at least 1, at most 4), or when it
    /// is the start of a known value.
    /// </summary>
    public static class Suggestions
    {
        /// <summary>Up to <paramref name="max"/> known values closest to <paramref name="value"/>, closest first.</summary>
        public static IReadOnlyList<string> Closest(string? value, IEnumerable<string> known, int max = 3)
        {
            if (string.IsNullOrEmpty(value) || max <= 0) return Array.Empty<string>();
            var wanted = value!.ToLowerInvariant();
            var limit = Math.Min(4, Math.Max(1, wanted.Length / 3));
            return known
                .Where(k => !string.IsNullOrEmpty(k))
                .Distinct(StringComparer.Ordinal)
                .Select(k => (Known: k, Distance: Distance(wanted, k.ToLowerInvariant())))
                .Where(c => c.Distance <= limit || (wanted.Length >= 3 && c.Known.StartsWith(value, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(c => c.Distance)
                .ThenBy(c => c.Known.Length)
                .ThenBy(c => c.Known, StringComparer.Ordinal)
                .Take(max)
                .Select(c => c.Known)
                .ToList();
        }

        /// <summary>" Did you mean 'a' or 'b'?", or an empty string when nothing is close.</summary>
        public static string DidYouMean(string? value, IEnumerable<string> known, int max = 3)
        {
            var close = Closest(value, known, max);
            if (close.Count == 0) return string.Empty;
            var quoted = close.Select(c => "'" + c + "'").ToList();
            var list = quoted.Count == 1 ? quoted[0] : string.Join(", ", quoted.Take(quoted.Count - 1)) + " or " + quoted[quoted.Count - 1];
            return " Did you mean " + list + "?";
        }

        /// <summary>Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters.</summary>
        public static int Distance(string a, string b)
        {
            if (a.Length == 0) return b.Length;
            if (b.Length == 0) return a.Length;
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (var j = 0; j <= b.Length; j++) d[0, j] = j;
            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    var best = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) best = Math.Min(best, d[i - 2, j - 2] + 1);
                    d[i, j] = best;
                }
            }
            return d[a.Length, b.Length];
        }
    }
}
