using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace FineTuning.Client
{
    /// <summary>Removes secrets from any text before it reaches a user, a log or an error.</summary>
    public static class SecretMasker
    {
        private static readonly Regex KeyPattern = new Regex(
            @"(sk-(?:proj-|admin-|svcacct-)?[A-Za-z0-9_\-]{6,})|((?<=Bearer\s)[A-Za-z0-9_\-\.=:+/]{6,})|((?<=api-key[""']?\s*[:=]\s*[""']?)[A-Za-z0-9_\-]{6,})",
            RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        private static readonly object Gate = new object();
        private static readonly HashSet<string> Known = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Remember a secret so that it is masked wherever it appears, whatever its shape.</summary>
        public static void Register(string? secret)
        {
            if (string.IsNullOrEmpty(secret) || secret!.Length < 4) return;
            lock (Gate) Known.Add(secret);
        }

        /// <summary>A short, safe stand-in for a secret: its last four characters at most.</summary>
        public static string Describe(string? secret)
        {
            if (string.IsNullOrEmpty(secret)) return "(none)";
            return secret!.Length >= 16 ? "****" + secret.Substring(secret.Length - 4) : "****";
        }

        public static string Mask(string? text)
        {
            if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
            var result = text!;
            string[] known;
            lock (Gate)
            {
                known = new string[Known.Count];
                Known.CopyTo(known);
            }
            foreach (var secret in known)
            {
                if (result.IndexOf(secret, StringComparison.Ordinal) >= 0) result = result.Replace(secret, "****");
            }
            return KeyPattern.Replace(result, "****");
        }
    }
}
