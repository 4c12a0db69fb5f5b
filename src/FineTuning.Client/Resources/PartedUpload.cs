using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>
    /// One file sent through the Uploads API: its parts in parallel straight from disk, its MD5 in a sequential pass
    /// beside them, and the upload cancelled on the service when anything fails, so nothing half-made is left behind.
    /// </summary>
    internal sealed class PartedUpload
    {
        private readonly UploadsClient _uploads;
        private readonly FileInfo _file;
        private readonly string _name;
        private readonly IProgress<long>? _progress;
        private readonly long _partSize;
        private readonly int _parallelism;

        public PartedUpload(UploadsClient uploads, string path, string? fileName, IProgress<long>? progress, long partSize, int parallelism)
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            if (info.Length == 0) throw new ArgumentException($"The file '{path}' is empty; there is nothing to upload.", nameof(path));
            if (info.Length > UploadsClient.MaxBytes) throw new ArgumentException($"The file '{path}' is {info.Length:N0} bytes; the Uploads API takes at most 8 GB.", nameof(path));
            if (partSize < 1 || partSize > UploadsClient.DefaultPartSize) throw new ArgumentOutOfRangeException(nameof(partSize), partSize, "A part is 1 byte to 64 MB.");
            if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "Parallelism must be at least 1.");
            _uploads = uploads;
            _file = info;
            _name = string.IsNullOrEmpty(fileName) ? info.Name : fileName!;
            _progress = progress;
            _partSize = partSize;
            _parallelism = parallelism;
        }

        public async Task<FineTuningFile> RunAsync(string purpose, long? expiresAfterSeconds, CancellationToken ct)
        {
            var length = _file.Length;
            var upload = await _uploads.CreateAsync(new CreateUploadRequest
            {
                Filename = _name,
                Purpose = purpose,
                Bytes = length,
                MimeType = _name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? "text/jsonl" : "application/octet-stream",
                ExpiresAfter = FileExpiration.After(expiresAfterSeconds),
            }, ct).ConfigureAwait(false);
            ClientLog.Verbose($"Created upload {upload.Id} for {_name} ({length:N0} bytes).");
            try
            {
                using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var md5 = Task.Run(() => Md5Hex(_file.FullName, failed.Token), failed.Token);
                var ids = await SendPartsAsync(upload.Id, length, failed).ConfigureAwait(false);
                var hash = await md5.ConfigureAwait(false);
                var done = await _uploads.CompleteAsync(upload.Id, new CompleteUploadRequest { PartIds = ids.ToList(), Md5 = hash }, ct).ConfigureAwait(false);
                return done.File ?? throw new FineTuningProtocolException(
                    $"Upload {upload.Id} completed without a file.", 200, null, "POST", "/uploads/" + upload.Id + "/complete");
            }
            catch
            {
                await CancelQuietlyAsync(upload.Id).ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Sends every part, <see cref="_parallelism"/> at a time; returns the part ids in file order. A failed part stops the others.</summary>
        private async Task<string[]> SendPartsAsync(string uploadId, long length, CancellationTokenSource failed)
        {
            var count = (int)((length + _partSize - 1) / _partSize);
            var ids = new string[count];
            var sent = new long[count];
            using var gate = new SemaphoreSlim(_parallelism);
            var parts = Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                try
                {
                    var offset = i * _partSize;
                    var size = Math.Min(_partSize, length - offset);
                    var partProgress = _progress is null ? null : new Progress(n =>
                    {
                        Interlocked.Exchange(ref sent[i], n);
                        _progress.Report(sent.Sum());
                    });
                    var part = await _uploads.AddPartAsync(uploadId, _file.FullName, offset, size, partProgress, failed.Token).ConfigureAwait(false);
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
            return ids;
        }

        private async Task CancelQuietlyAsync(string uploadId)
        {
            try
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _uploads.CancelAsync(uploadId, grace.Token).ConfigureAwait(false);
                ClientLog.Verbose($"Cancelled upload {uploadId}.");
            }
            catch (Exception cancelFailure) when (!(cancelFailure is OutOfMemoryException))
            {
                ClientLog.Warning($"Upload {uploadId} could not be cancelled ({cancelFailure.Message}); the service expires it within an hour.");
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
}
