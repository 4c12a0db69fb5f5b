using System;
using System.Collections.Generic;

namespace FineTuning.Emulator
{
    /// <summary>
    /// A request as the router sees it, whichever way it arrived: line and headers, then (once the key was checked) a JSON body
    /// in <see cref="Body"/> or the parts of a multipart form in <see cref="ReadForm"/>.
    /// </summary>
    internal sealed class EmulatorRequest : IDisposable
    {
        public string Method = "GET";
        /// <summary>The unescaped path, e.g. /v1/fine_tuning/jobs.</summary>
        public string Path = "/";
        public List<KeyValuePair<string, string>> Query = new List<KeyValuePair<string, string>>();
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>The body of a request that is not a multipart form (JSON), whole.</summary>
        public byte[] Body = Array.Empty<byte>();
        /// <summary>The parts of a multipart/form-data body, read as they arrived (large ones to scratch files).</summary>
        internal List<FormPart>? Form;
        /// <summary>Why the multipart body could not be read, when it could not.</summary>
        internal string? FormError;
        /// <summary>Which dialect the path spoke: OpenAI (/v1), Azure's dated API (/openai?api-version=) or Azure's v1 API (/openai/v1).</summary>
        public Dialect Dialect = Dialect.OpenAI;

        public string? ContentType => Headers.TryGetValue("Content-Type", out var v) ? v : null;

        public string? QueryValue(string name)
        {
            foreach (var kv in Query)
                if (string.Equals(kv.Key, name, StringComparison.Ordinal)) return kv.Value;
            return null;
        }

        /// <summary>The form's parts; a <see cref="FormatException"/> names what was wrong with a body that is not a readable form.</summary>
        public List<FormPart> ReadForm()
        {
            if (FormError != null) throw new FormatException(FormError);
            return Form ?? throw new FormatException("The body must be multipart/form-data.");
        }

        /// <summary>Deletes what the body left in scratch files and nobody took.</summary>
        public void Dispose()
        {
            if (Form is null) return;
            foreach (var part in Form) part.Dispose();
            Form = null;
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
