using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>A file import could not be completed; the message names the URL without its query (which may hold a SAS).</summary>
    internal sealed class ImportException : Exception
    {
        public ImportException(string message) : base(message) { }
    }

    /// <summary>
    /// Azure's <c>POST /files/import</c> makes the emulator a client: it downloads the file from a URL. The download is held
    /// to the Files API's size limit (the declared length first, then the bytes as they come) and goes to a scratch file as
    /// it arrives, never whole into memory.
    /// </summary>
    internal static class ImportClient
    {
        /// <summary>The longest an import may take, from the request to the last byte.</summary>
        internal static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

        private static readonly HttpClient Client = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

        public static async Task<SpooledContent> DownloadAsync(Uri source, string shown, long maxBytes, Func<string> spoolDirectory)
        {
            using var deadline = new CancellationTokenSource(Deadline);
            try
            {
                using var response = await Client.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new ImportException($"{shown} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                var declared = response.Content.Headers.ContentLength;
                if (declared > maxBytes) throw TooLarge(shown, maxBytes, declared);
                using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                using var writer = new SpoolWriter(spoolDirectory);
                var chunk = new byte[64 * 1024];
                int n;
                while ((n = await body.ReadAsync(chunk, 0, chunk.Length, deadline.Token).ConfigureAwait(false)) > 0)
                {
                    if (writer.Length + n > maxBytes) throw TooLarge(shown, maxBytes, null);
                    await writer.WriteAsync(chunk, 0, n).ConfigureAwait(false);
                }
                return writer.Complete();
            }
            catch (HttpRequestException e)
            {
                throw new ImportException($"{shown} could not be reached ({e.Message}).");
            }
            catch (OperationCanceledException)
            {
                throw new ImportException($"{shown} did not deliver the file within {Deadline.TotalSeconds:0} s.");
            }
            catch (System.IO.IOException e)
            {
                throw new ImportException($"{shown} broke off the download ({e.Message}).");
            }
        }

        private static ImportException TooLarge(string shown, long maxBytes, long? declared) =>
            new ImportException(declared is long d
                ? $"{shown} holds {d:N0} bytes; the Files API takes files of up to {maxBytes:N0} bytes (512 MB)."
                : $"{shown} sent more than {maxBytes:N0} bytes; the Files API takes files of up to 512 MB.");
    }
}
