using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>A request as the router sees it: bytes and strings only, whichever way it arrived.</summary>
    internal sealed class EmulatorRequest
    {
        public string Method = "GET";
        /// <summary>The unescaped path, e.g. /v1/fine_tuning/jobs.</summary>
        public string Path = "/";
        public List<KeyValuePair<string, string>> Query = new List<KeyValuePair<string, string>>();
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public byte[] Body = Array.Empty<byte>();
        /// <summary>Which dialect the path spoke: OpenAI (/v1), Azure's dated API (/openai?api-version=) or Azure's v1 API (/openai/v1).</summary>
        public Dialect Dialect = Dialect.OpenAI;

        public string? ContentType => Headers.TryGetValue("Content-Type", out var v) ? v : null;

        public string? QueryValue(string name)
        {
            foreach (var kv in Query)
                if (string.Equals(kv.Key, name, StringComparison.Ordinal)) return kv.Value;
            return null;
        }

        public static List<KeyValuePair<string, string>> ParseQuery(string? query)
        {
            var list = new List<KeyValuePair<string, string>>();
            if (string.IsNullOrEmpty(query)) return list;
            foreach (var part in query!.TrimStart('?').Split('&'))
            {
                if (part.Length == 0) continue;
                var eq = part.IndexOf('=');
                var key = eq < 0 ? part : part.Substring(0, eq);
                var value = eq < 0 ? string.Empty : part.Substring(eq + 1);
                list.Add(new KeyValuePair<string, string>(Unescape(key), Unescape(value)));
            }
            return list;
        }

        private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    internal enum Dialect { OpenAI, AzureDated, AzureV1 }
}
