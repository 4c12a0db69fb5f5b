// A small HTTP server on 127.0.0.1 that answers with whatever a test tells it to: crafted JSON, odd headers,
// redirects, bodies of any size (generated as they are sent, never held in memory). It records every request it
// receives, so a test can check what the module sent (and what it did not send). Loaded by HostileServer.ps1.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuningTests
{
    public sealed class HostileRequest
    {
        public string Method { get; set; } = "";
        public string Path { get; set; } = "";
        public string Query { get; set; } = "";
        public Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public override string ToString() => Method + " " + Path + Query;
    }

    public sealed class HostileResponse
    {
        public int Status { get; set; } = 200;
        public string Reason { get; set; } = "OK";
        public Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        /// <summary>The body; "{n}" is replaced by the number of requests this route has answered (1, 2, ...).</summary>
        public string Body { get; set; } = "";
        /// <summary>When set, the nth answer of this route is Bodies[n-1] (the last one once they run out) instead of Body.</summary>
        public string[] Bodies { get; set; }
        /// <summary>Send no Content-Length: the body runs until the connection closes.</summary>
        public bool OmitContentLength { get; set; }
        /// <summary>When above zero: a body of this many bytes of filler, written as it is sent, instead of Body.</summary>
        public long GeneratedBytes { get; set; }
        /// <summary>When set, the body is JSON that opens with this text and runs on (a string value) for GeneratedBytes.</summary>
        public string GeneratedPrefix { get; set; } = "";
        internal int Count;
    }

    public sealed class HostileServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ConcurrentDictionary<string, HostileResponse> _routes = new ConcurrentDictionary<string, HostileResponse>(StringComparer.Ordinal);

        public HostileServer()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            Task.Run(AcceptLoop);
        }

        public int Port { get; }
        public string BaseUri => "http://127.0.0.1:" + Port;
        public ConcurrentQueue<HostileRequest> Requests { get; } = new ConcurrentQueue<HostileRequest>();
        /// <summary>Bytes of generated bodies actually written to clients.</summary>
        public long GeneratedBytesSent => Interlocked.Read(ref _generatedSent);
        private long _generatedSent;

        /// <summary>Answers "METHOD /path" (no query) with the response; "METHOD *" answers anything else of that method.</summary>
        public HostileResponse On(string method, string path, int status, string body)
        {
            var response = new HostileResponse { Status = status, Body = body ?? "", Reason = status == 200 ? "OK" : "Status" };
            _routes[method.ToUpperInvariant() + " " + path] = response;
            return response;
        }

        public HostileResponse Json(string method, string path, string body, int status = 200)
        {
            var r = On(method, path, status, body);
            r.Headers["Content-Type"] = "application/json";
            return r;
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false); }
                catch { return; }
                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var request = await ReadRequest(stream).ConfigureAwait(false);
                    if (request == null) return;
                    Requests.Enqueue(request);
                    if (!_routes.TryGetValue(request.Method + " " + request.Path, out var response) &&
                        !_routes.TryGetValue(request.Method + " *", out response))
                    {
                        response = new HostileResponse { Status = 404, Reason = "Not Found", Body = "{\"error\":{\"message\":\"No route " + request.Method + " " + request.Path + "\",\"type\":\"invalid_request_error\"}}" };
                    }
                    var n = Interlocked.Increment(ref response.Count);
                    await Write(stream, response, n).ConfigureAwait(false);
                }
                catch (IOException) { }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
            }
        }

        private async Task Write(NetworkStream stream, HostileResponse response, int n)
        {
            var text = response.Bodies != null && response.Bodies.Length > 0 ? response.Bodies[Math.Min(n, response.Bodies.Length) - 1] : response.Body;
            var body = response.GeneratedBytes > 0 ? null : Encoding.UTF8.GetBytes(text.Replace("{n}", n.ToString()));
            var length = body?.LongLength ?? response.GeneratedBytes;
            var head = new StringBuilder();
            head.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(response.Reason).Append("\r\n");
            foreach (var h in response.Headers) head.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
            if (!response.Headers.ContainsKey("Content-Type")) head.Append("Content-Type: application/json\r\n");
            if (!response.OmitContentLength) head.Append("Content-Length: ").Append(length).Append("\r\n");
            head.Append("Connection: close\r\n\r\n");
            var headBytes = Encoding.ASCII.GetBytes(head.ToString());
            await stream.WriteAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
            if (body != null)
            {
                await stream.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
                return;
            }
            var prefix = Encoding.UTF8.GetBytes(response.GeneratedPrefix);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < chunk.Length; i++) chunk[i] = (byte)'a';
            long sent = 0;
            if (prefix.Length > 0)
            {
                await stream.WriteAsync(prefix, 0, prefix.Length).ConfigureAwait(false);
                sent = prefix.Length;
            }
            while (sent < length && !_stop.IsCancellationRequested)
            {
                var count = (int)Math.Min(chunk.Length, length - sent);
                await stream.WriteAsync(chunk, 0, count).ConfigureAwait(false);
                sent += count;
                Interlocked.Add(ref _generatedSent, count);
            }
        }

        private static async Task<HostileRequest> ReadRequest(NetworkStream stream)
        {
            var buffer = new List<byte>(4096);
            var one = new byte[1];
            // The head, byte by byte up to the blank line (test traffic is small).
            while (true)
            {
                var read = await stream.ReadAsync(one, 0, 1).ConfigureAwait(false);
                if (read == 0) return null;
                buffer.Add(one[0]);
                var c = buffer.Count;
                if (c >= 4 && buffer[c - 4] == '\r' && buffer[c - 3] == '\n' && buffer[c - 2] == '\r' && buffer[c - 1] == '\n') break;
                if (c > 1 << 20) return null;
            }
            var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split(new[] { "\r\n" }, StringSplitOptions.None);
            var first = lines[0].Split(' ');
            if (first.Length < 2) return null;
            var target = first[1];
            var q = target.IndexOf('?');
            var request = new HostileRequest
            {
                Method = first[0].ToUpperInvariant(),
                Path = q < 0 ? target : target.Substring(0, q),
                Query = q < 0 ? "" : target.Substring(q),
            };
            for (var i = 1; i < lines.Length; i++)
            {
                var colon = lines[i].IndexOf(':');
                if (colon > 0) request.Headers[lines[i].Substring(0, colon).Trim()] = lines[i].Substring(colon + 1).Trim();
            }
            // Read and drop a body, if any.
            if (request.Headers.TryGetValue("Content-Length", out var cl) && long.TryParse(cl, out var remaining))
            {
                var sink = new byte[64 * 1024];
                while (remaining > 0)
                {
                    var read = await stream.ReadAsync(sink, 0, (int)Math.Min(sink.Length, remaining)).ConfigureAwait(false);
                    if (read == 0) break;
                    remaining -= read;
                }
            }
            return request;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
