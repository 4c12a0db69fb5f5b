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
    /// <summary>A part of a multipart/form-data body.</summary>
    internal sealed class FormPart
    {
        public string Name = string.Empty;
        public string? FileName;
        public string? ContentType;
        public ArraySegment<byte> Data;
    }

    /// <summary>Reads multipart/form-data bodies (RFC 7578), quoted or bare parameters alike.</summary>
    internal static class Multipart
    {
        public static List<FormPart> Parse(byte[] body, string? contentType)
        {
            if (contentType is null || !contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                throw new FormatException("The body must be multipart/form-data.");
            var boundary = Parameter(contentType, "boundary");
            if (string.IsNullOrEmpty(boundary)) throw new FormatException("The multipart body has no boundary.");
            var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
            var parts = new List<FormPart>();
            var pos = IndexOf(body, delimiter, 0);
            if (pos < 0) throw new FormatException("The multipart body has no parts.");
            while (true)
            {
                pos += delimiter.Length;
                if (pos + 1 < body.Length && body[pos] == '-' && body[pos + 1] == '-') break; // closing delimiter
                pos = SkipLineBreak(body, pos);
                var headerEnd = IndexOf(body, new[] { (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n' }, pos);
                if (headerEnd < 0) throw new FormatException("A multipart part has no end of headers.");
                var headers = Encoding.UTF8.GetString(body, pos, headerEnd - pos);
                var dataStart = headerEnd + 4;
                var next = IndexOf(body, delimiter, dataStart);
                if (next < 0) throw new FormatException("The multipart body is not terminated.");
                var dataEnd = next;
                if (dataEnd >= 2 && body[dataEnd - 2] == '\r' && body[dataEnd - 1] == '\n') dataEnd -= 2;
                var part = new FormPart { Data = new ArraySegment<byte>(body, dataStart, dataEnd - dataStart) };
                foreach (var line in headers.Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries))
                {
                    var colon = line.IndexOf(':');
                    if (colon < 0) continue;
                    var name = line.Substring(0, colon).Trim();
                    var value = line.Substring(colon + 1).Trim();
                    if (name.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
                    {
                        part.Name = Parameter(value, "name") ?? string.Empty;
                        part.FileName = Parameter(value, "filename");
                    }
                    else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        part.ContentType = value;
                    }
                }
                parts.Add(part);
                pos = next;
            }
            return parts;
        }

        private static int SkipLineBreak(byte[] b, int pos)
        {
            if (pos < b.Length && b[pos] == '\r') pos++;
            if (pos < b.Length && b[pos] == '\n') pos++;
            return pos;
        }

        /// <summary>A parameter of a header value: name="quoted" or name=bare.</summary>
        internal static string? Parameter(string header, string name)
        {
            foreach (var piece in SplitParameters(header))
            {
                var eq = piece.IndexOf('=');
                if (eq < 0) continue;
                if (!piece.Substring(0, eq).Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
                var value = piece.Substring(eq + 1).Trim();
                if (value.Length >= 2 && value[0] == '"' && value[value.Length - 1] == '"')
                    value = value.Substring(1, value.Length - 2).Replace("\\\"", "\"").Replace("\\\\", "\\");
                return value;
            }
            return null;
        }

        private static IEnumerable<string> SplitParameters(string header)
        {
            var sb = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < header.Length; i++)
            {
                var c = header[i];
                if (c == '"' && (i == 0 || header[i - 1] != '\\')) quoted = !quoted;
                if (c == ';' && !quoted)
                {
                    yield return sb.ToString();
                    sb.Clear();
                }
                else sb.Append(c);
            }
            if (sb.Length > 0) yield return sb.ToString();
        }

        private static int IndexOf(byte[] haystack, byte[] needle, int start)
        {
            if (needle.Length == 0) return start;
            var first = needle[0];
            for (var i = start; i <= haystack.Length - needle.Length; i++)
            {
                i = Array.IndexOf(haystack, first, i, haystack.Length - needle.Length - i + 1);
                if (i < 0) return -1;
                var match = true;
                for (var j = 1; j < needle.Length; j++)
                {
                    if (haystack[i + j] != needle[j]) { match = false; break; }
                }
                if (match) return i;
            }
            return -1;
        }
    }
}
