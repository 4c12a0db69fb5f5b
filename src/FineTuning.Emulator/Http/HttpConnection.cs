using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// One client connection, one request after another (HTTP/1.1 keep-alive). Each request goes through the edge's order:
    /// the line and headers within <see cref="ServerLimits.MaxHeaderBytes"/> and <see cref="ServerLimits.HeaderTimeout"/>, a
    /// loopback Host, then the key (<see cref="IEmulatorApp.Admit"/>) before any body byte is read, then the declared size,
    /// then the body within its limits and timeouts, then the handler. Every read and write has a deadline: reads go
    /// through <see cref="ConnectionReader"/> (head) and <see cref="RequestBody"/> (body), answers through <see cref="ResponseWriter"/>.
    /// </summary>
    internal sealed class HttpConnection
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly IEmulatorApp _app;
        private readonly ServerLimits _limits;
        private readonly ConnectionReader _reader;
        private readonly ResponseWriter _writer;

        public HttpConnection(Socket socket, IEmulatorApp app)
        {
            _socket = socket;
            _socket.NoDelay = true;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _app = app;
            _limits = app.Limits;
            _reader = new ConnectionReader(_stream, _limits);
            _writer = new ResponseWriter(_stream, _limits);
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
            RequestHead? head;
            try
            {
                head = await _reader.ReadHeadAsync(first).ConfigureAwait(false);
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
            long? length;
            bool chunked;
            try
            {
                head.CheckFraming(out length, out chunked);
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
                await _writer.WriteAsync(denied, request, close: bodyPending || !keepAlive).ConfigureAwait(false);
                if (bodyPending)
                {
                    // Answered before a byte of the body was read. A client that sends the body anyway (most do not
                    // read an answer until they have sent their request) gets the bytes dropped as they come, never
                    // kept, within the body's limits and deadlines, so that it sees the 401 rather than a broken pipe.
                    var unread = RequestBody.Reader(_reader, length, chunked);
                    await RequestBody.DropAsync(unread, Math.Min(length ?? long.MaxValue, _limits.MaxBodyBytes)).ConfigureAwait(false);
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
                    await _writer.SendAsync(go, 0, go.Length).ConfigureAwait(false);
                }
                var body = RequestBody.Reader(_reader, length, chunked);
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
                await _writer.SendAsync(fragment, 0, fragment.Length).ConfigureAwait(false);
                _socket.LingerState = new LingerOption(true, 0);
                return false;
            }
            await _writer.WriteAsync(response, request, close: !keepAlive).ConfigureAwait(false);
            return keepAlive;
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

        private Task RefuseAsync(EmulatorRequest? request, int status, string message, string? code) =>
            _writer.WriteAsync(_app.Refuse(request, status, message, code), request, close: true);

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
                    var n = await _reader.ReceiveAsync(scratch, 0, scratch.Length, left).ConfigureAwait(false);
                    if (n <= 0) return;
                    dropped += n;
                }
            }
            catch (Exception)
            {
                // Timed out, or the client closed: either way the connection ends now.
            }
        }
    }
}
