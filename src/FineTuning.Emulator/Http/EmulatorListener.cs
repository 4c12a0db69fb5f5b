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
}
