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
}
