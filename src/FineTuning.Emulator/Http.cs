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

    /// <summary>An answer: status, headers, body, or an instruction to drop the connection.</summary>
    internal sealed class EmulatorResponse
    {
        public int Status = 200;
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public byte[] Body = Array.Empty<byte>();
        /// <summary>A body to stream instead of <see cref="Body"/> (file contents of any size).</summary>
        public Func<Stream>? BodyStream;
        public string ContentType = "application/json";
        public bool DropConnection;
        public TimeSpan Latency;
    }

    /// <summary>
    /// The in-process transport: every request is turned into bytes, handed to the router, and the answer
    /// is turned back into an HTTP response from bytes, so what crosses is exactly what would cross a socket.
    /// </summary>
    internal sealed class InProcessHandler : HttpMessageHandler
    {
        private readonly Func<EmulatorRequest, EmulatorResponse> _route;

        public InProcessHandler(Func<EmulatorRequest, EmulatorResponse> route)
        {
            _route = route;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
            var req = new EmulatorRequest
            {
                Method = request.Method.Method,
                Path = Uri.UnescapeDataString(uri.AbsolutePath),
                Query = EmulatorRequest.ParseQuery(uri.Query),
            };
            foreach (var h in request.Headers) req.Headers[h.Key] = string.Join(", ", h.Value);
            if (request.Content != null)
            {
                foreach (var h in request.Content.Headers) req.Headers[h.Key] = string.Join(", ", h.Value);
                req.Body = await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();

            var res = await Task.Run(() => _route(req), cancellationToken).ConfigureAwait(false);
            if (res.Latency > TimeSpan.Zero) await Task.Delay(res.Latency, cancellationToken).ConfigureAwait(false);
            if (res.DropConnection)
                throw new HttpRequestException("The emulator dropped the connection (injected fault).", new IOException("Connection reset by peer."));

            var message = new HttpResponseMessage((HttpStatusCode)res.Status)
            {
                RequestMessage = request,
                Content = res.BodyStream != null ? new StreamContent(res.BodyStream()) : new ByteArrayContent(res.Body),
            };
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(res.ContentType);
            foreach (var h in res.Headers)
            {
                if (!message.Headers.TryAddWithoutValidation(h.Key, h.Value)) message.Content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
            return message;
        }
    }

    /// <summary>The emulator on a real socket: an HttpListener on 127.0.0.1 feeding the same router.</summary>
    internal sealed class EmulatorListener : IDisposable
    {
        private readonly HttpListener _listener = new HttpListener();
        private readonly Func<EmulatorRequest, EmulatorResponse> _route;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private Task? _loop;

        public EmulatorListener(Func<EmulatorRequest, EmulatorResponse> route, int port)
        {
            _route = route;
            Port = port == 0 ? FreePort() : port;
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.IgnoreWriteExceptions = true;
        }

        public int Port { get; }

        public void Start()
        {
            _listener.Start();
            _loop = Task.Run(AcceptLoop);
        }

        private static int FreePort()
        {
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
                {
                    return;
                }
                catch (HttpListenerException)
                {
                    continue;
                }
                _ = Task.Run(() => Serve(context));
            }
        }

        private async Task Serve(HttpListenerContext context)
        {
            try
            {
                var request = context.Request;
                var req = new EmulatorRequest
                {
                    Method = request.HttpMethod,
                    Path = Uri.UnescapeDataString(request.Url!.AbsolutePath),
                    Query = EmulatorRequest.ParseQuery(request.Url.Query),
                };
                foreach (string? key in request.Headers.AllKeys)
                {
                    if (key != null) req.Headers[key] = request.Headers[key] ?? string.Empty;
                }
                using (var buffer = new MemoryStream())
                {
                    await request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
                    req.Body = buffer.ToArray();
                }

                var res = _route(req);
                if (res.Latency > TimeSpan.Zero) await Task.Delay(res.Latency).ConfigureAwait(false);
                var response = context.Response;
                if (res.DropConnection)
                {
                    // Promise a body, send a fragment, then cut the connection: the client sees the
                    // connection end mid-response, as with a crashed proxy.
                    response.StatusCode = 200;
                    response.ContentLength64 = 4096;
                    var fragment = Encoding.ASCII.GetBytes("{\"object\":");
                    await response.OutputStream.WriteAsync(fragment, 0, fragment.Length).ConfigureAwait(false);
                    await response.OutputStream.FlushAsync().ConfigureAwait(false);
                    response.Abort();
                    return;
                }
                response.StatusCode = res.Status;
                response.ContentType = res.ContentType;
                foreach (var h in res.Headers) response.Headers[h.Key] = h.Value;
                if (res.BodyStream != null)
                {
                    using var body = res.BodyStream();
                    response.ContentLength64 = body.Length;
                    await body.CopyToAsync(response.OutputStream, 81920).ConfigureAwait(false);
                }
                else
                {
                    response.ContentLength64 = res.Body.Length;
                    await response.OutputStream.WriteAsync(res.Body, 0, res.Body.Length).ConfigureAwait(false);
                }
                response.Close();
            }
            catch (Exception)
            {
                try { context.Response.Abort(); } catch (Exception) { }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _listener.Stop(); } catch (Exception) { }
            try { _listener.Close(); } catch (Exception) { }
            try { _loop?.Wait(TimeSpan.FromSeconds(2)); } catch (Exception) { }
        }
    }

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
