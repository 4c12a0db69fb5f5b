using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>Reads up to count bytes of a request body into buffer at offset; 0 at the end of the body.</summary>
    internal delegate Task<int> BodyRead(byte[] buffer, int offset, int count);

    /// <summary>A part of a multipart/form-data body: small ones in memory, large ones in a scratch file.</summary>
    internal sealed class FormPart : IDisposable
    {
        public string Name = string.Empty;
        public string? FileName;
        public string? ContentType;
        public SpooledContent Content = SpooledContent.FromBytes(Array.Empty<byte>());

        public long Length => Content.Length;

        /// <summary>The part as UTF-8 text (form fields).</summary>
        public string Text() => Content.Text();

        public void Dispose() => Content.Dispose();
    }

    /// <summary>
    /// Reads multipart/form-data bodies (RFC 7578) as they arrive, quoted or bare parameters alike: each part goes to memory or,
    /// past <see cref="SpoolWriter.MemoryBytes"/>, to a scratch file, so a body is never held whole.
    /// </summary>
    internal static class Multipart
    {
        /// <summary>Parts in one body.</summary>
        public const int MaxParts = 100;

        /// <summary>The headers of one part (bytes).</summary>
        public const int MaxPartHeaderBytes = 16 * 1024;

        public static bool IsForm(string? contentType) =>
            contentType != null && contentType.TrimStart().StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);

        /// <summary>Reads the parts up to the closing delimiter; throws <see cref="FormatException"/> naming what is wrong.</summary>
        public static async Task<List<FormPart>> ParseAsync(BodyRead read, string? contentType, Func<string> spoolDirectory)
        {
            if (!IsForm(contentType)) throw new FormatException("The body must be multipart/form-data.");
            var boundary = Parameter(contentType!, "boundary");
            if (string.IsNullOrEmpty(boundary)) throw new FormatException("The multipart body has no boundary.");
            if (boundary!.Length > 200) throw new FormatException("The multipart boundary is longer than 200 characters.");
            // The scanner starts with a line break, so the first delimiter looks like every other one.
            var scanner = new Scanner(read, Encoding.ASCII.GetBytes("\r\n"));
            var delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
            var parts = new List<FormPart>();
            try
            {
                if (!await scanner.CopyUntilAsync(delimiter, null).ConfigureAwait(false)) throw new FormatException("The multipart body has no parts.");
                while (true)
                {
                    if (!await scanner.EnsureAsync(2).ConfigureAwait(false)) throw new FormatException("The multipart body is not terminated.");
                    if (scanner.Peek(0) == '-' && scanner.Peek(1) == '-') break; // closing delimiter
                    var padding = await scanner.ReadLineAsync(1024).ConfigureAwait(false) ?? throw new FormatException("The multipart body is not terminated.");
                    if (padding.Trim().Length != 0) throw new FormatException("A multipart delimiter is followed by text on its line.");
                    if (parts.Count == MaxParts) throw new FormatException($"The multipart body has more than {MaxParts} parts.");
                    var part = new FormPart();
                    parts.Add(part);
                    var headerBytes = 0;
                    while (true)
                    {
                        var line = await scanner.ReadLineAsync(MaxPartHeaderBytes).ConfigureAwait(false) ?? throw new FormatException("A multipart part has no end of headers.");
                        headerBytes += line.Length + 2;
                        if (headerBytes > MaxPartHeaderBytes) throw new FormatException($"The headers of a multipart part are longer than {MaxPartHeaderBytes} bytes.");
                        if (line.Length == 0) break;
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
                    using var writer = new SpoolWriter(spoolDirectory);
                    if (!await scanner.CopyUntilAsync(delimiter, writer.WriteAsync).ConfigureAwait(false))
                        throw new FormatException("The multipart body is not terminated.");
                    part.Content = writer.Complete();
                }
                return parts;
            }
            catch
            {
                foreach (var part in parts) part.Dispose();
                throw;
            }
        }

        /// <summary>A window over the body: finds delimiters and lines without holding more than its buffer.</summary>
        private sealed class Scanner
        {
            private readonly BodyRead _read;
            private readonly byte[] _buffer = new byte[64 * 1024];
            private int _start;
            private int _end;
            private bool _eof;

            public Scanner(BodyRead read, byte[] prefix)
            {
                _read = read;
                Buffer.BlockCopy(prefix, 0, _buffer, 0, prefix.Length);
                _end = prefix.Length;
            }

            public byte Peek(int at) => _buffer[_start + at];

            private async Task<bool> FillAsync()
            {
                if (_eof) return false;
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length) throw new FormatException("A multipart line is too long.");
                var n = await _read(_buffer, _end, _buffer.Length - _end).ConfigureAwait(false);
                if (n <= 0)
                {
                    _eof = true;
                    return false;
                }
                _end += n;
                return true;
            }

            public async Task<bool> EnsureAsync(int count)
            {
                while (_end - _start < count)
                    if (!await FillAsync().ConfigureAwait(false)) return false;
                return true;
            }

            /// <summary>A line without its CRLF, or null at the end of the body.</summary>
            public async Task<string?> ReadLineAsync(int max)
            {
                var searched = _start;
                while (true)
                {
                    for (var i = Math.Max(searched, _start); i + 1 < _end; i++)
                    {
                        if (_buffer[i] == '\r' && _buffer[i + 1] == '\n')
                        {
                            var line = Encoding.UTF8.GetString(_buffer, _start, i - _start);
                            _start = i + 2;
                            return line;
                        }
                    }
                    if (_end - _start > max) throw new FormatException($"A multipart header line is longer than {max} bytes.");
                    searched = Math.Max(_start, _end - 1);
                    var before = _start;
                    if (!await FillAsync().ConfigureAwait(false)) return null;
                    searched -= before - _start;
                }
            }

            /// <summary>Hands everything before <paramref name="needle"/> to <paramref name="sink"/> and skips the needle; false at the end of the body.</summary>
            public async Task<bool> CopyUntilAsync(byte[] needle, Func<byte[], int, int, Task>? sink)
            {
                while (true)
                {
                    var at = IndexOf(needle);
                    if (at >= 0)
                    {
                        if (sink != null && at > _start) await sink(_buffer, _start, at - _start).ConfigureAwait(false);
                        _start = at + needle.Length;
                        return true;
                    }
                    // Everything but a possible beginning of the needle can go.
                    var safe = _end - _start - (needle.Length - 1);
                    if (safe > 0)
                    {
                        if (sink != null) await sink(_buffer, _start, safe).ConfigureAwait(false);
                        _start += safe;
                    }
                    if (!await FillAsync().ConfigureAwait(false)) return false;
                }
            }

            private int IndexOf(byte[] needle)
            {
                var first = needle[0];
                var last = _end - needle.Length;
                for (var i = _start; i <= last; i++)
                {
                    i = Array.IndexOf(_buffer, first, i, last - i + 1);
                    if (i < 0) return -1;
                    var match = true;
                    for (var j = 1; j < needle.Length; j++)
                    {
                        if (_buffer[i + j] != needle[j]) { match = false; break; }
                    }
                    if (match) return i;
                }
                return -1;
            }
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
    }
}
