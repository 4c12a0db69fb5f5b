using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The in-process transport: every request is turned into what the router sees, through the same order as over a
    /// socket (the key before the body, the body within its limits), and the answer is turned back into an HTTP response
    /// from bytes, so what crosses is what would cross a socket.
    /// </summary>
    internal sealed class InProcessHandler : HttpMessageHandler
    {
        private readonly IEmulatorApp _app;

        public InProcessHandler(IEmulatorApp app)
        {
            _app = app;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
            using var req = new EmulatorRequest
            {
                Method = request.Method.Method,
                Path = Uri.UnescapeDataString(uri.AbsolutePath),
                Query = EmulatorRequest.ParseQuery(uri.Query),
            };
            foreach (var h in request.Headers) req.Headers[h.Key] = string.Join(", ", h.Value);
            if (request.Content != null)
                foreach (var h in request.Content.Headers) req.Headers[h.Key] = string.Join(", ", h.Value);

            var res = _app.Admit(req);
            if (res is null && request.Content != null)
            {
                var refusal = EdgePipeline.CheckDeclaredLength(_app.Limits, req, request.Content.Headers.ContentLength);
                if (refusal is null)
                {
                    var stream = await request.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    try
                    {
                        await EdgePipeline.ReadBodyAsync(_app, req, (b, o, c) => stream.ReadAsync(b, o, c, cancellationToken)).ConfigureAwait(false);
                    }
                    catch (EdgeRefusal e)
                    {
                        refusal = e;
                    }
                }
                if (refusal != null) res = _app.Refuse(req, refusal.Status, refusal.Message, refusal.Code);
            }
            cancellationToken.ThrowIfCancellationRequested();

            res ??= await Task.Run(() => _app.Handle(req), cancellationToken).ConfigureAwait(false);
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
