using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>Reads answers within a size limit and the connection's timeout: a service's answers are input, not trust.</summary>
    internal static class BoundedRead
    {
        /// <summary>
        /// Reads a JSON answer whole, but never more than <paramref name="limit"/>: a declared Content-Length over the
        /// limit fails before any of the body is read, an undeclared one as soon as the limit is passed. The timeout bounds
        /// the read, as it bounds the wait for the headers.
        /// </summary>
        public static async Task<byte[]> WholeAsync(HttpResponseMessage response, long limit, TimeSpan timeout, string method, string path, CancellationToken ct)
        {
            var declared = response.Content.Headers.ContentLength;
            if (declared > limit) throw ServiceErrors.TooLarge(response, method, path, limit, declared);
            try
            {
                var (bytes, complete) = await UpToAsync(response, limit, declared, timeout, ct).ConfigureAwait(false);
                if (!complete) throw ServiceErrors.TooLarge(response, method, path, limit, declared);
                return bytes;
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new FineTuningTransportException(
                    $"{method} {path} timed out after {timeout.TotalSeconds:0.#} s while its answer was being read.", method, path, true, 1, ex);
            }
            catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
            {
                throw new FineTuningTransportException(
                    $"The connection broke while the answer to {method} {path} was being read: {ServiceErrors.Innermost(ex).Message}", method, path, false, 1, ex);
            }
        }

        /// <summary>Up to <paramref name="max"/> bytes of a body; complete is false when there was more.</summary>
        public static async Task<(byte[] Bytes, bool Complete)> UpToAsync(HttpResponseMessage response, long max, long? declared, TimeSpan timeout, CancellationToken ct)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (timeout.TotalMilliseconds < int.MaxValue) deadline.CancelAfter(timeout);
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[declared is long d ? Math.Min(d, max) : Math.Min(16 * 1024, max + 1)];
            var count = 0;
            while (true)
            {
                if (declared.HasValue && count == declared.Value) break; // the handler never gives more than Content-Length
                if (count == buffer.Length)
                {
                    if (count > max) return (buffer, false);
                    Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, 1024), max + 1));
                }
                var read = await stream.ReadAsync(buffer, count, buffer.Length - count, deadline.Token).ConfigureAwait(false);
                if (read == 0) break;
                count += read;
                if (count > max) return (buffer, false);
            }
            if (count != buffer.Length) Array.Resize(ref buffer, count);
            return (buffer, true);
        }

        /// <summary>
        /// Streams a body into <paramref name="destination"/>; returns the bytes copied. Unbounded without
        /// <paramref name="maxBytes"/> (a download goes to disk); with it, ResponseTooLarge past it.
        /// </summary>
        public static async Task<long> CopyAsync(HttpResponseMessage response, Stream destination, long? maxBytes, string method, string path, CancellationToken ct)
        {
            var declared = response.Content.Headers.ContentLength;
            if (maxBytes.HasValue && declared > maxBytes) throw ServiceErrors.TooLarge(response, method, path, maxBytes.Value, declared);
            using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (maxBytes.HasValue && total > maxBytes.Value) throw ServiceErrors.TooLarge(response, method, path, maxBytes.Value, declared);
                await destination.WriteAsync(buffer, 0, read, ct).ConfigureAwait(false);
            }
            return total;
        }
    }
}
