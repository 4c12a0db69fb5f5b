using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// One client connection, one request after another (HTTP/1.1 keep-alive). Each request goes through the edge's order:
    /// the line and headers within <see cref="ServerLimits.MaxHeaderBytes"/> and <see cref="ServerLimits.HeaderTimeout"/>, a
    /// loopback Host, then the key (<see cref="IEmulatorApp.Admit"/>) before any body byte is read, then the declared size,
    /// then the body within its limits and timeouts, then the handler. Every read and write has a deadline.
    /// </summary>
    internal sealed class HttpConnection
    {
        private static readonly byte[] HeadEnd = { (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n' };
        private static readonly HashSet<string> LoopbackHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "127.0.0.1", "localhost", "[::1]" };

        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly IEmulatorApp _app;
        private readonly ServerLimits _limits;
        private readonly Stopwatch _sinceAccept = Stopwatch.StartNew();
        private readonly byte[] _buffer;
        private int _start;
        private int _end;

        public HttpConnection(Socket socket, IEmulatorApp app)
        {
            _socket = socket;
            _socket.NoDelay = true;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _app = app;
            _limits = app.Limits;
            _buffer = new byte[Math.Max(_limits.MaxHeaderBytes + HeadEnd.Length, 16 * 1024)];
        }

        /// <summary>Closes the connection at once (the listener is stopping).</summary>
        public void Abort()
        {
            try { _stream.Dispose(); } catch (Exception) { }
        }

        public async Task RunAsync()
        {
            try
            {
                for (var first = true; ; first = false)
                {
                    if (!await ServeOneAsync(first).ConfigureAwait(false)) return;
                }
            }
            catch (Exception)
            {
                // A client that went away, a write that timed out: the connection ends, nothing else does.
            }
            finally
            {
                Abort();
            }
        }

        /// <summary>One request and its answer; false when the connection is to be closed.</summary>
        private async Task<bool> ServeOneAsync(bool first)
        {
            Head? head;
            try
            {
                head = await ReadHeadAsync(first).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await RefuseAsync(null, 408, $"The request line and headers did not arrive within {Seconds(_limits.HeaderTimeout)}.", "request_timeout").ConfigureAwait(false);
                return false;
            }
            catch (EdgeRefusal e)
            {
                await RefuseAsync(null, e.Status, e.Message, e.Code).ConfigureAwait(false);
                return false;
            }
            if (head is null) return false;

            using var request = new EmulatorRequest { Method = head.Method, Path = head.Path, Query = head.Query, Headers = head.Headers };
            var keepAlive = head.KeepAlive;

            // Framing: one length, stated one way, and a loopback host.
            long? length = null;
            var chunked = false;
            try
            {
                CheckHost(head);
                if (request.Headers.TryGetValue("Transfer-Encoding", out var te))
                {
                    if (!string.Equals(te.Trim(), "chunked", StringComparison.OrdinalIgnoreCase))
                        throw new EdgeRefusal(501, $"Transfer-Encoding '{te}' is not supported; send a Content-Length or 'chunked'.", null);
                    if (request.Headers.ContainsKey("Content-Length"))
                        throw new EdgeRefusal(400, "The request has both a Content-Length and a Transfer-Encoding.", null);
                    chunked = true;
                }
                else if (request.Headers.TryGetValue("Content-Length", out var cl))
                {
                    if (!long.TryParse(cl.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var declared))
                        throw new EdgeRefusal(400, $"The Content-Length '{cl}' is not a number of bytes.", null);
                    length = declared;
                }
            }
            catch (EdgeRefusal e)
            {
                await RefuseAsync(request, e.Status, e.Message, e.Code).ConfigureAwait(false);
                return false;
            }
            var bodyPending = chunked || length > 0;

            // The key, on the line and headers alone.
            var denied = _app.Admit(request);
            if (denied != null)
            {
                await WriteAsync(denied, request, close: bodyPending || !keepAlive).ConfigureAwait(false);
                if (bodyPending)
                {
                    // Answered before a byte of the body was read. A client that sends the body anyway (most do not
                    // read an answer until they have sent their request) gets the bytes dropped as they come, never
                    // kept, within the body's limits and deadlines, so that it sees the 401 rather than a broken pipe.
                    var unread = chunked ? (BodyRead)new ChunkedBody(this).ReadAsync : new LengthBody(this, length!.Value).ReadAsync;
                    await DropAsync(unread, Math.Min(length ?? long.MaxValue, _limits.MaxBodyBytes)).ConfigureAwait(false);
                }
                return !bodyPending && keepAlive;
            }

            // The declared size, before any of the body.
            var tooLarge = EdgePipeline.CheckDeclaredLength(_limits, request, length);
            if (tooLarge != null)
            {
                await RefuseAsync(request, tooLarge.Status, tooLarge.Message, tooLarge.Code).ConfigureAwait(false);
                await LingerAsync().ConfigureAwait(false);
                return false;
            }

            if (bodyPending)
            {
                if (request.Headers.TryGetValue("Expect", out var expect) && expect.IndexOf("100-continue", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    var go = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");
                    await SendAsync(go, 0, go.Length).ConfigureAwait(false);
                }
                var body = chunked ? (BodyRead)new ChunkedBody(this).ReadAsync : new LengthBody(this, length!.Value).ReadAsync;
                try
                {
                    await EdgePipeline.ReadBodyAsync(_app, request, body).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    await RefuseAsync(request, 408, $"The request body stalled: no bytes for {Seconds(_limits.BodyIdleTimeout)}, or fewer than {_limits.MinBodyBytesPerSecond:N0} bytes a second.", "request_timeout").ConfigureAwait(false);
                    return false;
                }
                catch (EdgeRefusal e)
                {
                    await RefuseAsync(request, e.Status, e.Message, e.Code).ConfigureAwait(false);
                    await LingerAsync().ConfigureAwait(false);
                    return false;
                }
                catch (FormatException e)
                {
                    await RefuseAsync(request, 400, "The chunked body is malformed: " + e.Message, null).ConfigureAwait(false);
                    return false;
                }
            }

            EmulatorResponse response;
            try
            {
                response = _app.Handle(request);
            }
            catch (Exception e)
            {
                response = _app.Refuse(request, 500, "The emulator failed: " + e.Message, null);
            }
            if (response.Latency > TimeSpan.Zero) await Task.Delay(response.Latency).ConfigureAwait(false);
            if (response.DropConnection)
            {
                // Promise a body, send a fragment, then reset the connection, as a crashed proxy would.
                var fragment = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"object\":");
                await SendAsync(fragment, 0, fragment.Length).ConfigureAwait(false);
                _socket.LingerState = new LingerOption(true, 0);
                return false;
            }
            await WriteAsync(response, request, close: !keepAlive).ConfigureAwait(false);
            return keepAlive;
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

        private void CheckHost(Head head)
        {
            if (!head.Headers.TryGetValue("Host", out var host))
            {
                if (head.Version == "HTTP/1.1") throw new EdgeRefusal(400, "The request has no Host header.", null);
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

        // ------------------------------------------------------------------ reading

        /// <summary>Reads into <paramref name="buffer"/>, or throws <see cref="TimeoutException"/> when nothing came within the time.</summary>
        private async Task<int> ReceiveAsync(byte[] buffer, int offset, int count, TimeSpan timeout)
        {
            if (timeout <= TimeSpan.Zero) throw new TimeoutException();
            var read = _stream.ReadAsync(buffer, offset, count);
            if (!read.IsCompleted)
            {
                using var cancel = new CancellationTokenSource();
                var delay = Task.Delay(timeout, cancel.Token);
                if (await Task.WhenAny(read, delay).ConfigureAwait(false) != read)
                {
                    // The read ends when the connection closes; its failure is expected and observed here.
                    _ = read.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                    throw new TimeoutException();
                }
                cancel.Cancel();
            }
            return await read.ConfigureAwait(false);
        }

        private void Compact()
        {
            if (_start == 0) return;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        /// <summary>More bytes into the connection's buffer; false when the client closed.</summary>
        private async Task<bool> FillAsync(TimeSpan timeout)
        {
            Compact();
            if (_end == _buffer.Length) throw new InvalidOperationException("The connection buffer is full.");
            var n = await ReceiveAsync(_buffer, _end, _buffer.Length - _end, timeout).ConfigureAwait(false);
            if (n <= 0) return false;
            _end += n;
            return true;
        }

        /// <summary>The next request's line and headers; null when the client closed or stayed idle (nothing to answer).</summary>
        private async Task<Head?> ReadHeadAsync(bool first)
        {
            if (_start == _end)
            {
                var idle = first ? _limits.HeaderTimeout - _sinceAccept.Elapsed : _limits.KeepAliveTimeout;
                try
                {
                    if (!await FillAsync(idle).ConfigureAwait(false)) return null;
                }
                catch (TimeoutException)
                {
                    return null;
                }
            }
            // The first request's head is due within the header time of the connection; a later one's, of its first byte.
            var deadline = first ? _limits.HeaderTimeout : _sinceAccept.Elapsed + _limits.HeaderTimeout;
            var searched = _start;
            while (true)
            {
                // Line breaks before a request line are ignored.
                while (_end - _start >= 2 && _buffer[_start] == '\r' && _buffer[_start + 1] == '\n') _start += 2;
                var at = IndexOf(_buffer, HeadEnd, Math.Max(_start, searched - 3), _end);
                if (at >= 0)
                {
                    var head = Head.Parse(_buffer, _start, at - _start, _limits.MaxHeaderCount);
                    _start = at + HeadEnd.Length;
                    return head;
                }
                if (_end - _start > _limits.MaxHeaderBytes)
                    throw new EdgeRefusal(431, $"The request line and headers are longer than {_limits.MaxHeaderBytes:N0} bytes.", null);
                searched = _end;
                var before = _start;
                if (!await FillAsync(deadline - _sinceAccept.Elapsed).ConfigureAwait(false))
                    throw new IOException("The client closed the connection in the middle of a request.");
                searched -= before - _start;
            }
        }

        private static int IndexOf(byte[] haystack, byte[] needle, int from, int end)
        {
            for (var i = Math.Max(from, 0); i <= end - needle.Length; i++)
            {
                var match = true;
                for (var j = 0; j < needle.Length; j++)
                {
                    if (haystack[i + j] != needle[j]) { match = false; break; }
                }
                if (match) return i;
            }
            return -1;
        }

        /// <summary>Body bytes: what is left in the buffer first, then the socket, within the body's idle and rate limits.</summary>
        private async Task<int> ReadBodyBytesAsync(byte[] buffer, int offset, int count, BodyClock clock)
        {
            if (count == 0) return 0;
            if (_start < _end)
            {
                var n = Math.Min(count, _end - _start);
                Buffer.BlockCopy(_buffer, _start, buffer, offset, n);
                _start += n;
                return n;
            }
            var read = await ReceiveAsync(buffer, offset, count, _limits.BodyIdleTimeout).ConfigureAwait(false);
            if (read <= 0) throw new IOException("The client closed the connection before the body ended.");
            clock.Add(read);
            return read;
        }

        /// <summary>A line of the chunked framing (size lines, trailers), without its CRLF.</summary>
        private async Task<string> ReadLineAsync(int max, BodyClock clock)
        {
            while (true)
            {
                for (var i = _start; i + 1 < _end; i++)
                {
                    if (_buffer[i] == '\r' && _buffer[i + 1] == '\n')
                    {
                        var line = Encoding.ASCII.GetString(_buffer, _start, i - _start);
                        _start = i + 2;
                        return line;
                    }
                }
                if (_end - _start > max) throw new FormatException($"a framing line is longer than {max} bytes.");
                Compact();
                var n = await ReceiveAsync(_buffer, _end, _buffer.Length - _end, _limits.BodyIdleTimeout).ConfigureAwait(false);
                if (n <= 0) throw new IOException("The client closed the connection before the body ended.");
                _end += n;
                clock.Add(n);
            }
        }

        /// <summary>Tracks a body's average rate; a body slower than the minimum, once past the grace time, times out.</summary>
        private sealed class BodyClock
        {
            private readonly Stopwatch _watch = Stopwatch.StartNew();
            private readonly ServerLimits _limits;
            private long _bytes;

            public BodyClock(ServerLimits limits)
            {
                _limits = limits;
            }

            public void Add(int bytes)
            {
                _bytes += bytes;
                var elapsed = _watch.Elapsed;
                if (_limits.MinBodyBytesPerSecond > 0 && elapsed > _limits.BodyIdleTimeout && _bytes < _limits.MinBodyBytesPerSecond * elapsed.TotalSeconds)
                    throw new TimeoutException();
            }
        }

        private sealed class LengthBody
        {
            private readonly HttpConnection _connection;
            private readonly BodyClock _clock;
            private long _remaining;

            public LengthBody(HttpConnection connection, long length)
            {
                _connection = connection;
                _remaining = length;
                _clock = new BodyClock(connection._limits);
            }

            public async Task<int> ReadAsync(byte[] buffer, int offset, int count)
            {
                if (_remaining == 0) return 0;
                var n = await _connection.ReadBodyBytesAsync(buffer, offset, (int)Math.Min(count, _remaining), _clock).ConfigureAwait(false);
                _remaining -= n;
                return n;
            }
        }

        private sealed class ChunkedBody
        {
            private readonly HttpConnection _connection;
            private readonly BodyClock _clock;
            private long _chunkLeft;
            private bool _done;

            public ChunkedBody(HttpConnection connection)
            {
                _connection = connection;
                _clock = new BodyClock(connection._limits);
            }

            public async Task<int> ReadAsync(byte[] buffer, int offset, int count)
            {
                if (_done) return 0;
                if (_chunkLeft == 0)
                {
                    var line = await _connection.ReadLineAsync(1024, _clock).ConfigureAwait(false);
                    var semicolon = line.IndexOf(';');
                    var size = (semicolon < 0 ? line : line.Substring(0, semicolon)).Trim();
                    if (size.Length == 0 || size.Length > 15 || !long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _chunkLeft))
                        throw new FormatException($"'{size}' is not a chunk size.");
                    if (_chunkLeft == 0)
                    {
                        // Trailers, up to the empty line, within the header limit.
                        var trailers = 0;
                        while (true)
                        {
                            var trailer = await _connection.ReadLineAsync(_connection._limits.MaxHeaderBytes, _clock).ConfigureAwait(false);
                            trailers += trailer.Length + 2;
                            if (trailers > _connection._limits.MaxHeaderBytes) throw new FormatException("the trailers are too long.");
                            if (trailer.Length == 0) break;
                        }
                        _done = true;
                        return 0;
                    }
                }
                var n = await _connection.ReadBodyBytesAsync(buffer, offset, (int)Math.Min(count, _chunkLeft), _clock).ConfigureAwait(false);
                _chunkLeft -= n;
                if (_chunkLeft == 0)
                {
                    var end = await _connection.ReadLineAsync(2, _clock).ConfigureAwait(false);
                    if (end.Length != 0) throw new FormatException("a chunk does not end with a line break.");
                }
                return n;
            }
        }

        /// <summary>Reads and drops up to <paramref name="limit"/> bytes of a body, within its deadlines; any failure just ends it.</summary>
        private static async Task DropAsync(BodyRead body, long limit)
        {
            var scratch = new byte[64 * 1024];
            long dropped = 0;
            try
            {
                while (dropped < limit)
                {
                    var n = await body(scratch, 0, (int)Math.Min(scratch.Length, limit - dropped)).ConfigureAwait(false);
                    if (n <= 0) return;
                    dropped += n;
                }
            }
            catch (Exception)
            {
                // A stall, a trickle, a malformed chunk or a client gone: the connection closes all the same.
            }
        }

        /// <summary>
        /// After refusing a request whose body was not read: stop sending, then read and drop what the client still sends, for
        /// a short while and a bounded amount, so the answer reaches it before the connection closes.
        /// </summary>
        private async Task LingerAsync()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
                var scratch = new byte[16 * 1024];
                var watch = Stopwatch.StartNew();
                long dropped = 0;
                while (dropped < 4L * 1024 * 1024)
                {
                    var left = TimeSpan.FromSeconds(2) - watch.Elapsed;
                    var n = await ReceiveAsync(scratch, 0, scratch.Length, left).ConfigureAwait(false);
                    if (n <= 0) return;
                    dropped += n;
                }
            }
            catch (Exception)
            {
                // Timed out, or the client closed: either way the connection ends now.
            }
        }

        // ------------------------------------------------------------------ writing

        private async Task SendAsync(byte[] bytes, int offset, int count)
        {
            var write = _stream.WriteAsync(bytes, offset, count);
            if (!write.IsCompleted)
            {
                using var cancel = new CancellationTokenSource();
                var delay = Task.Delay(_limits.WriteIdleTimeout, cancel.Token);
                if (await Task.WhenAny(write, delay).ConfigureAwait(false) != write)
                {
                    _ = write.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                    throw new TimeoutException("The client stopped reading the answer.");
                }
                cancel.Cancel();
            }
            await write.ConfigureAwait(false);
        }

        private Task RefuseAsync(EmulatorRequest? request, int status, string message, string? code) =>
            WriteAsync(_app.Refuse(request, status, message, code), request, close: true);

        private async Task WriteAsync(EmulatorResponse response, EmulatorRequest? request, bool close)
        {
            Stream? stream = response.BodyStream?.Invoke();
            try
            {
                var noBody = string.Equals(request?.Method, "HEAD", StringComparison.OrdinalIgnoreCase) || response.Status == 204 || response.Status == 304;
                var length = stream?.Length ?? response.Body.Length;
                var head = new StringBuilder();
                head.Append("HTTP/1.1 ").Append(response.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(response.Status)).Append("\r\n");
                head.Append("Date: ").Append(DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
                head.Append("Content-Type: ").Append(Clean(response.ContentType)).Append("\r\n");
                head.Append("Content-Length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                if (close) head.Append("Connection: close\r\n");
                foreach (var h in response.Headers)
                {
                    if (h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ||
                        h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                        continue;
                    head.Append(Clean(h.Key)).Append(": ").Append(Clean(h.Value)).Append("\r\n");
                }
                head.Append("\r\n");
                var headBytes = Encoding.UTF8.GetBytes(head.ToString());
                if (noBody || (stream is null && response.Body.Length > 64 * 1024))
                {
                    await SendAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
                    if (!noBody) await SendAsync(response.Body, 0, response.Body.Length).ConfigureAwait(false);
                }
                else if (stream is null)
                {
                    var all = new byte[headBytes.Length + response.Body.Length];
                    Buffer.BlockCopy(headBytes, 0, all, 0, headBytes.Length);
                    Buffer.BlockCopy(response.Body, 0, all, headBytes.Length, response.Body.Length);
                    await SendAsync(all, 0, all.Length).ConfigureAwait(false);
                }
                else
                {
                    await SendAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
                    var chunk = new byte[64 * 1024];
                    int n;
                    while ((n = await stream.ReadAsync(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0) await SendAsync(chunk, 0, n).ConfigureAwait(false);
                }
            }
            finally
            {
                stream?.Dispose();
            }
        }

        /// <summary>A header name or value without line breaks or other control characters, so an answer cannot split.</summary>
        private static string Clean(string value)
        {
            var sb = new StringBuilder(value.Length);
            foreach (var c in value) sb.Append(c < 0x20 || c == 0x7f ? ' ' : c);
            return sb.ToString();
        }

        private static string Reason(int status)
        {
            switch (status)
            {
                case 100: return "Continue";
                case 200: return "OK";
                case 201: return "Created";
                case 202: return "Accepted";
                case 204: return "No Content";
                case 400: return "Bad Request";
                case 401: return "Unauthorized";
                case 403: return "Forbidden";
                case 404: return "Not Found";
                case 405: return "Method Not Allowed";
                case 408: return "Request Timeout";
                case 409: return "Conflict";
                case 413: return "Content Too Large";
                case 415: return "Unsupported Media Type";
                case 422: return "Unprocessable Content";
                case 429: return "Too Many Requests";
                case 431: return "Request Header Fields Too Large";
                case 500: return "Internal Server Error";
                case 501: return "Not Implemented";
                case 502: return "Bad Gateway";
                case 503: return "Service Unavailable";
                case 504: return "Gateway Timeout";
                default: return "Status";
            }
        }

        // ------------------------------------------------------------------ the head

        /// <summary>A request line and its headers.</summary>
        private sealed class Head
        {
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

            public static Head Parse(byte[] bytes, int offset, int count, int maxHeaders)
            {
                // Header bytes are ISO-8859-1: each byte is one character.
                var chars = new char[count];
                for (var i = 0; i < count; i++) chars[i] = (char)bytes[offset + i];
                var lines = new string(chars).Split(new[] { "\r\n" }, StringSplitOptions.None);
                var requestLine = lines[0].Split(' ');
                if (requestLine.Length != 3 || requestLine[0].Length == 0 || requestLine[1].Length == 0)
                    throw new EdgeRefusal(400, "The request line is not 'METHOD target HTTP/1.1'.", null);
                var head = new Head { Method = requestLine[0], Version = requestLine[2] };
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
        }
    }
}
