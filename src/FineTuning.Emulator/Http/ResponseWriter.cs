using System;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The write side of one connection: an <see cref="EmulatorResponse"/> as HTTP/1.1 bytes (a small answer in one write, a
    /// large or streamed one in parts), every write within <see cref="ServerLimits.WriteIdleTimeout"/>.
    /// </summary>
    internal sealed class ResponseWriter
    {
        private readonly NetworkStream _stream;
        private readonly ServerLimits _limits;

        public ResponseWriter(NetworkStream stream, ServerLimits limits)
        {
            _stream = stream;
            _limits = limits;
        }

        /// <summary>Sends bytes, or throws <see cref="TimeoutException"/> when the client stops reading for the write idle time.</summary>
        public async Task SendAsync(byte[] bytes, int offset, int count)
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

        /// <summary>
        /// Writes a whole answer: status line, headers (control characters blanked, so an answer cannot split), then the body
        /// from bytes or from its stream; no body for HEAD, 204 and 304. <paramref name="close"/> adds <c>Connection: close</c>.
        /// </summary>
        public async Task WriteAsync(EmulatorResponse response, EmulatorRequest? request, bool close)
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
    }
}
