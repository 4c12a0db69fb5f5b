using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    public sealed partial class FineTuningClient
    {
        /// <summary>The largest part the service accepts, and the size parts are cut to by default.</summary>
        public const long DefaultPartSize = 64L * 1024 * 1024;
        /// <summary>The largest file the Uploads API takes.</summary>
        public const long MaxUploadBytes = 8L * 1024 * 1024 * 1024;
        /// <summary>Files above this go through the Uploads API; the Files API takes up to 512 MB.</summary>
        public const long FilesApiLimit = 512L * 1024 * 1024;

        public Task<FineTuningUpload> CreateUploadAsync(CreateUploadRequest request, CancellationToken ct = default)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(request, ClientJsonContext.Default.CreateUploadRequest);
            return SendJsonAsync(HttpMethod.Post, "/uploads", null, () => JsonContent(body), ClientJsonContext.Default.FineTuningUpload, ct);
        }

        public Task<FineTuningUpload> CompleteUploadAsync(string uploadId, CompleteUploadRequest request, CancellationToken ct = default)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(request, ClientJsonContext.Default.CompleteUploadRequest);
            return SendJsonAsync(HttpMethod.Post, "/uploads/" + Segment(uploadId) + "/complete", null, () => JsonContent(body),
                ClientJsonContext.Default.FineTuningUpload, ct);
        }

        public Task<FineTuningUpload> CancelUploadAsync(string uploadId, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Post, "/uploads/" + Segment(uploadId) + "/cancel", null, null, ClientJsonContext.Default.FineTuningUpload, ct);

        /// <summary>Sends bytes [offset, offset + length) of a file as one part of an upload.</summary>
        public Task<FineTuningUploadPart> AddUploadPartAsync(string uploadId, string path, long offset, long length, IProgress<long>? progress = null, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Post, "/uploads/" + Segment(uploadId) + "/parts", null, () =>
            {
                var form = new MultipartFormDataContent("----FineTuningBoundary" + Guid.NewGuid().ToString("N"));
                var data = new FileRangeContent(path, offset, length, progress);
                data.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                data.Headers.ContentDisposition = FormDisposition("data", "part");
                form.Add(data);
                return form;
            }, ClientJsonContext.Default.FineTuningUploadPart, ct);

        /// <summary>
        /// Uploads a file of up to 8 GB through the Uploads API: creates the upload, sends parts of
        /// <paramref name="partSize"/> bytes, <paramref name="parallelism"/> at a time, straight from disk,
        /// then completes it with the part ids in file order and the file's MD5. If a part fails after its
        /// retries, or the call is cancelled, the upload is cancelled on the service before the error is
        /// raised, so nothing half-made is left behind. <paramref name="progress"/> receives bytes sent.
        /// </summary>
        public async Task<FineTuningFile> UploadLargeFileAsync(string path, string purpose, string? fileName = null, IProgress<long>? progress = null,
            CancellationToken ct = default, long partSize = DefaultPartSize, int parallelism = 4, long? expiresAfterSeconds = null)
        {
            EnsureValidFileLifetime(expiresAfterSeconds);
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            if (info.Length == 0) throw new ArgumentException($"The file '{path}' is empty; there is nothing to upload.", nameof(path));
            if (info.Length > MaxUploadBytes) throw new ArgumentException($"The file '{path}' is {info.Length:N0} bytes; the Uploads API takes at most 8 GB.", nameof(path));
            if (partSize < 1 || partSize > DefaultPartSize) throw new ArgumentOutOfRangeException(nameof(partSize), partSize, "A part is 1 byte to 64 MB.");
            if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "Parallelism must be at least 1.");
            var name = string.IsNullOrEmpty(fileName) ? info.Name : fileName!;
            var length = info.Length;

            var upload = await CreateUploadAsync(new CreateUploadRequest
            {
                Filename = name,
                Purpose = purpose,
                Bytes = length,
                MimeType = name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? "text/jsonl" : "application/octet-stream",
                ExpiresAfter = FileExpiration.After(expiresAfterSeconds),
            }, ct).ConfigureAwait(false);
            ClientLog.Verbose($"Created upload {upload.Id} for {name} ({length:N0} bytes).");

            var count = (int)((length + partSize - 1) / partSize);
            var ids = new string[count];
            var sent = new long[count];
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
            try
            {
                var md5 = Task.Run(() => Md5Hex(info.FullName, failed.Token), failed.Token);
                using var gate = new SemaphoreSlim(parallelism);
                var parts = Enumerable.Range(0, count).Select(async i =>
                {
                    await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                    try
                    {
                        var offset = i * partSize;
                        var size = Math.Min(partSize, length - offset);
                        var partProgress = progress is null ? null : new Progress(n =>
                        {
                            Interlocked.Exchange(ref sent[i], n);
                            progress.Report(sent.Sum());
                        });
                        var part = await AddUploadPartAsync(upload.Id, info.FullName, offset, size, partProgress, failed.Token).ConfigureAwait(false);
                        ids[i] = part.Id;
                    }
                    catch
                    {
                        failed.Cancel(); // the other parts stop too
                        throw;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToList();
                try
                {
                    await Task.WhenAll(parts).ConfigureAwait(false);
                }
                catch (Exception) when (parts.Any(p => p.IsFaulted && !(p.Exception!.InnerException is OperationCanceledException)))
                {
                    // Report the part that failed, not the siblings cancelled because of it.
                    throw parts.First(p => p.IsFaulted && !(p.Exception!.InnerException is OperationCanceledException)).Exception!.InnerException!;
                }
                var hash = await md5.ConfigureAwait(false);
                var done = await CompleteUploadAsync(upload.Id, new CompleteUploadRequest { PartIds = ids.ToList(), Md5 = hash }, ct).ConfigureAwait(false);
                return done.File ?? throw new FineTuningProtocolException(
                    $"Upload {upload.Id} completed without a file.", 200, null, "POST", "/uploads/" + upload.Id + "/complete");
            }
            catch
            {
                try
                {
                    using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await CancelUploadAsync(upload.Id, grace.Token).ConfigureAwait(false);
                    ClientLog.Verbose($"Cancelled upload {upload.Id}.");
                }
                catch (Exception cancelFailure) when (!(cancelFailure is OutOfMemoryException))
                {
                    ClientLog.Warning($"Upload {upload.Id} could not be cancelled ({cancelFailure.Message}); the service expires it within an hour.");
                }
                throw;
            }
        }

        private static string Md5Hex(string path, CancellationToken ct)
        {
            using var md5 = MD5.Create();
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                md5.TransformBlock(buffer, 0, read, null, 0);
            }
            md5.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
            var sb = new StringBuilder(32);
            foreach (var b in md5.Hash!) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        private sealed class Progress : IProgress<long>
        {
            private readonly Action<long> _report;
            public Progress(Action<long> report) => _report = report;
            public void Report(long value) => _report(value);
        }
    }

    /// <summary>A byte range of a file as request content, read from disk as it is sent.</summary>
    internal sealed class FileRangeContent : HttpContent
    {
        private readonly string _path;
        private readonly long _offset;
        private readonly long _length;
        private readonly IProgress<long>? _progress;

        public FileRangeContent(string path, long offset, long length, IProgress<long>? progress)
        {
            _path = path;
            _offset = offset;
            _length = length;
            _progress = progress;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            file.Seek(_offset, SeekOrigin.Begin);
            var buffer = new byte[81920];
            long left = _length, sent = 0;
            while (left > 0)
            {
                var read = await file.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, left)).ConfigureAwait(false);
                if (read == 0) throw new IOException($"'{_path}' ended before byte {_offset + _length:N0}; did it change during the upload?");
                await stream.WriteAsync(buffer, 0, read).ConfigureAwait(false);
                left -= read;
                sent += read;
                _progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
