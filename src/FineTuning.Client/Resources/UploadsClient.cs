using System;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>
    /// The Uploads API (<c>/uploads</c>), for files of up to 8 GB: create an upload, add parts, complete or cancel it;
    /// <see cref="UploadFileAsync"/> does all of it for a file on disk.
    /// </summary>
    public sealed class UploadsClient : ApiResource
    {
        /// <summary>The largest part the service accepts, and the size parts are cut to by default.</summary>
        public const long DefaultPartSize = 64L * 1024 * 1024;

        /// <summary>The largest file the Uploads API takes.</summary>
        public const long MaxBytes = 8L * 1024 * 1024 * 1024;

        private readonly FilesClient _files;

        internal UploadsClient(ApiSender sender, FilesClient files) : base(sender) => _files = files;

        public Task<FineTuningUpload> CreateAsync(CreateUploadRequest request, CancellationToken ct = default) =>
            PostJsonAsync("/uploads", request, ClientJsonContext.Default.CreateUploadRequest, ClientJsonContext.Default.FineTuningUpload, ct);

        public Task<FineTuningUpload> CompleteAsync(string uploadId, CompleteUploadRequest request, CancellationToken ct = default) =>
            PostJsonAsync(PathOf(uploadId) + "/complete", request, ClientJsonContext.Default.CompleteUploadRequest, ClientJsonContext.Default.FineTuningUpload, ct);

        public Task<FineTuningUpload> CancelAsync(string uploadId, CancellationToken ct = default) =>
            Sender.SendJsonAsync(System.Net.Http.HttpMethod.Post, PathOf(uploadId) + "/cancel", null, null, ClientJsonContext.Default.FineTuningUpload, ct);

        /// <summary>Sends bytes [offset, offset + length) of a file as one part of an upload.</summary>
        public Task<FineTuningUploadPart> AddPartAsync(string uploadId, string path, long offset, long length, IProgress<long>? progress = null, CancellationToken ct = default) =>
            Sender.SendJsonAsync(System.Net.Http.HttpMethod.Post, PathOf(uploadId) + "/parts", null, () =>
            {
                var form = FormData.NewForm();
                FormData.AddFile(form, "data", "part", new FileRangeContent(path, offset, length, progress), "application/octet-stream");
                return form;
            }, ClientJsonContext.Default.FineTuningUploadPart, ct);

        /// <summary>
        /// Uploads a file of up to 8 GB through the Uploads API: creates the upload, sends parts of
        /// <paramref name="partSize"/> bytes, <paramref name="parallelism"/> at a time, straight from disk,
        /// then completes it with the part ids in file order and the file's MD5. If a part fails after its
        /// retries, or the call is cancelled, the upload is cancelled on the service before the error is
        /// raised, so nothing half-made is left behind. <paramref name="progress"/> receives bytes sent.
        /// </summary>
        public async Task<FineTuningFile> UploadFileAsync(string path, string purpose, string? fileName = null, IProgress<long>? progress = null,
            CancellationToken ct = default, long partSize = DefaultPartSize, int parallelism = 4, long? expiresAfterSeconds = null)
        {
            _files.EnsureValidLifetime(expiresAfterSeconds);
            var upload = new PartedUpload(this, path, fileName, progress, partSize, parallelism);
            return await upload.RunAsync(purpose, expiresAfterSeconds, ct).ConfigureAwait(false);
        }

        internal static string PathOf(string uploadId) => "/uploads/" + Segment(uploadId);
    }
}
