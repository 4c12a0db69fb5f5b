using System;
using System.Collections.Generic;
using System.Globalization;

namespace FineTuning.Emulator
{
    /// <summary>
    /// A request line and its headers, parsed from the bytes <see cref="ConnectionReader"/> found, and the checks made on
    /// them alone: the method, target and version, well-formed header names and no folded lines, at most
    /// <see cref="ServerLimits.MaxHeaderCount"/> headers, a loopback Host, and one framing for the body.
    /// </summary>
    internal sealed class RequestHead
    {
        private static readonly HashSet<string> LoopbackHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "127.0.0.1", "localhost", "[::1]" };

        public string Method = "GET";
        public string Version = "HTTP/1.1";
        public string Path = "/";
        public List<KeyValuePair<string, string>> Query = new List<KeyValuePair<string, string>>();
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public bool KeepAlive
        {
            get
            {
                Headers.TryGetValue("Connection", out var connection);
                var tokens = (connection ?? string.Empty).ToLowerInvariant();
                if (tokens.Contains("close")) return false;
                return Version == "HTTP/1.1" || tokens.Contains("keep-alive");
            }
        }

        /// <exception cref="EdgeRefusal">The line or a header is malformed (400), the version is not HTTP/1.x (505), or there are too many headers (431).</exception>
        public static RequestHead Parse(byte[] bytes, int offset, int count, int maxHeaders)
        {
            // Header bytes are ISO-8859-1: each byte is one character.
            var chars = new char[count];
            for (var i = 0; i < count; i++) chars[i] = (char)bytes[offset + i];
            var lines = new string(chars).Split(new[] { "\r\n" }, StringSplitOptions.None);
            var requestLine = lines[0].Split(' ');
            if (requestLine.Length != 3 || requestLine[0].Length == 0 || requestLine[1].Length == 0)
                throw new EdgeRefusal(400, "The request line is not 'METHOD target HTTP/1.1'.", null);
            var head = new RequestHead { Method = requestLine[0], Version = requestLine[2] };
            if (head.Version != "HTTP/1.1" && head.Version != "HTTP/1.0")
                throw new EdgeRefusal(505, $"The emulator speaks HTTP/1.1 and HTTP/1.0, not '{requestLine[2]}'.", null);
            foreach (var c in head.Method)
                if (!char.IsLetter(c)) throw new EdgeRefusal(400, "The request method is not a word.", null);

            var target = requestLine[1];
            Uri? uri = null;
            if (target.StartsWith("/", StringComparison.Ordinal)) Uri.TryCreate("http://localhost" + target, UriKind.Absolute, out uri);
            else if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) Uri.TryCreate(target, UriKind.Absolute, out uri);
            if (uri is null) throw new EdgeRefusal(400, "The request target is not a path.", null);
            try
            {
                head.Path = Uri.UnescapeDataString(uri.AbsolutePath);
                head.Query = EmulatorRequest.ParseQuery(uri.Query);
            }
            catch (Exception e) when (e is UriFormatException || e is ArgumentException)
            {
                throw new EdgeRefusal(400, "The request target is not a valid path and query.", null);
            }

            for (var i = 1; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.Length == 0) continue;
                if (i > maxHeaders) throw new EdgeRefusal(431, $"The request has more than {maxHeaders} headers.", null);
                if (line[0] == ' ' || line[0] == '\t') throw new EdgeRefusal(400, "A header is folded over two lines.", null);
                var colon = line.IndexOf(':');
                if (colon <= 0) throw new EdgeRefusal(400, "A header line has no name.", null);
                var name = line.Substring(0, colon);
                foreach (var c in name)
                    if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".IndexOf(c) >= 0) throw new EdgeRefusal(400, "A header name holds characters a name cannot have.", null);
                var value = line.Substring(colon + 1).Trim(' ', '\t');
                if (head.Headers.TryGetValue(name, out var existing))
                {
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                    {
                        if (!string.Equals(existing, value, StringComparison.Ordinal)) throw new EdgeRefusal(400, $"The request has two different {name} headers.", null);
                        continue;
                    }
                    value = existing + ", " + value;
                }
                head.Headers[name] = value;
            }
            return head;
        }

        /// <summary>
        /// The request's framing, once the Host is checked: a loopback Host (required in HTTP/1.1), then one length stated
        /// one way, a Content-Length or <c>Transfer-Encoding: chunked</c>. <paramref name="length"/> is null when none is given.
        /// </summary>
        /// <exception cref="EdgeRefusal">Another host (400, invalid_host), no Host in HTTP/1.1, both framings or a length that
        /// is not a number (400), or another transfer coding (501).</exception>
        public void CheckFraming(out long? length, out bool chunked)
        {
            CheckHost();
            length = null;
            chunked = false;
            if (Headers.TryGetValue("Transfer-Encoding", out var te))
            {
                if (!string.Equals(te.Trim(), "chunked", StringComparison.OrdinalIgnoreCase))
                    throw new EdgeRefusal(501, $"Transfer-Encoding '{te}' is not supported; send a Content-Length or 'chunked'.", null);
                if (Headers.ContainsKey("Content-Length"))
                    throw new EdgeRefusal(400, "The request has both a Content-Length and a Transfer-Encoding.", null);
                chunked = true;
            }
            else if (Headers.TryGetValue("Content-Length", out var cl))
            {
                if (!long.TryParse(cl.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var declared))
                    throw new EdgeRefusal(400, $"The Content-Length '{cl}' is not a number of bytes.", null);
                length = declared;
            }
        }

        private void CheckHost()
        {
            if (!Headers.TryGetValue("Host", out var host))
            {
                if (Version == "HTTP/1.1") throw new EdgeRefusal(400, "The request has no Host header.", null);
                return;
            }
            host = host.Trim();
            string name;
            if (host.StartsWith("[", StringComparison.Ordinal))
            {
                var close = host.IndexOf(']');
                name = close < 0 ? host : host.Substring(0, close + 1);
            }
            else
            {
                var colon = host.IndexOf(':');
                name = colon < 0 ? host : host.Substring(0, colon);
            }
            if (!LoopbackHosts.Contains(name))
                throw new EdgeRefusal(400, "The emulator answers loopback host names only (127.0.0.1, localhost, [::1]); this request is for another host.", "invalid_host");
        }
    }
}
