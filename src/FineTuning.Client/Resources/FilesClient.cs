using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>Files (<c>/files</c>): upload up to 512 MB, import from a URL (Azure OpenAI), read, list, delete, download content.</summary>
    public sealed class FilesClient : ApiResource
    {
        /// <summary>The largest file the Files API takes; above it, <see cref="UploadsClient"/> sends a file in parts.</summary>
        public const long MaxBytes = 512L * 1024 * 1024;

        /// <summary>The longest lifetime a file can be given: 30 days.</summary>
        public const long MaxLifetimeSeconds = 2_592_000;

        /// <summary>The most of a result file Get-FineTuningMetric reads into memory (256 MiB, millions of steps).</summary>
        public const long MaxMetricsBytes = 256L * 1024 * 1024;

        internal FilesClient(ApiSender sender) : base(sender) { }

        /// <summary>
        /// Uploads a file with multipart/form-data (POST /files). The part headers quote <c>name</c> and
        /// <c>filename</c> as RFC 7578 writes them. <paramref name="progress"/> receives bytes sent so far.
        /// </summary>
        public Task<FineTuningFile> UploadAsync(string path, string purpose, string? fileName = null, IProgress<long>? progress = null, CancellationToken ct = default,
            long? expiresAfterSeconds = null)
        {
            EnsureValidLifetime(expiresAfterSeconds);
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            var name = string.IsNullOrEmpty(fileName) ? info.Name : fileName!;
            return Sender.SendJsonAsync(HttpMethod.Post, "/files", null, () =>
            {
                var form = FormData.NewForm();
                FormData.AddField(form, "purpose", purpose);
                if (expiresAfterSeconds is long seconds)
                {
                    FormData.AddField(form, "expires_after[anchor]", "created_at");
                    FormData.AddField(form, "expires_after[seconds]", seconds.ToString(CultureInfo.InvariantCulture));
                }
                FormData.AddFile(form, "file", name, new ProgressFileContent(info.FullName, progress),
                    name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? "application/jsonl" : "application/octet-stream");
                return form;
            }, ClientJsonContext.Default.FineTuningFile, ct);
        }

        public Task<FineTuningFile> GetAsync(string fileId, CancellationToken ct = default) =>
            GetJsonAsync(PathOf(fileId), null, ClientJsonContext.Default.FineTuningFile, ct);

        public Task<DeletionResult> DeleteAsync(string fileId, CancellationToken ct = default) =>
            DeleteJsonAsync(PathOf(fileId), ClientJsonContext.Default.DeletionResult, ct);

        /// <summary>One page of files. <paramref name="order"/> is asc or desc (the service's default is desc).</summary>
        public Task<ListPage<FineTuningFile>> ListAsync(string? purpose, string? after, int? limit, string? order = null, CancellationToken ct = default)
        {
            var query = PageQuery(after, limit);
            AddIfGiven(query, "purpose", purpose);
            AddIfGiven(query, "order", order);
            return GetJsonAsync("/files", query, ClientJsonContext.Default.ListPageFineTuningFile, ct);
        }

        /// <summary>
        /// Streams a file's content into <paramref name="destination"/>; returns the bytes copied. Unbounded by default (a
        /// download goes to disk); <paramref name="maxBytes"/> bounds a read into memory (ResponseTooLarge past it).
        /// </summary>
        public async Task<long> DownloadContentAsync(string fileId, Stream destination, CancellationToken ct = default, long? maxBytes = null)
        {
            var path = PathOf(fileId) + "/content";
            using var response = await Sender.SendAsync(HttpMethod.Get, path, null, null, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            return await BoundedRead.CopyAsync(response, destination, maxBytes, "GET", path, ct).ConfigureAwait(false);
        }

        /// <summary>
        /// Azure OpenAI: makes a file from content the service downloads itself (<c>POST /files/import</c>), such as a blob
        /// SAS URL. The URL's query is never logged.
        /// </summary>
        public Task<FineTuningFile> ImportAsync(Uri contentUrl, string fileName, string purpose = "fine-tune", CancellationToken ct = default,
            long? expiresAfterSeconds = null)
        {
            if (contentUrl is null || !contentUrl.IsAbsoluteUri || (contentUrl.Scheme != Uri.UriSchemeHttps && contentUrl.Scheme != Uri.UriSchemeHttp))
                throw new ParameterValidationException("Uri", "-Uri must be an absolute http or https URL the service can download, such as a blob SAS URL.",
                    contentUrl is null ? null : Redact(contentUrl));
            if (string.IsNullOrWhiteSpace(fileName))
                throw new ParameterValidationException("FileName", "-FileName must name the file, for example 'train.jsonl'.");
            if (purpose == "fine-tune" && !fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                throw new ParameterValidationException("FileName", $"-FileName '{fileName}': a fine-tune file's name must end in .jsonl.", fileName);
            EnsureValidLifetime(expiresAfterSeconds);
            EnsureCanImport();
            var request = new ImportFileRequest
            {
                Purpose = purpose, Filename = fileName, ContentUrl = contentUrl.AbsoluteUri, ExpiresAfter = FileExpiration.After(expiresAfterSeconds),
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(request, ClientJsonContext.Default.ImportFileRequest);
            request.ContentUrl = Redact(contentUrl);
            var shown = JsonSerializer.Serialize(request, ClientJsonContext.Default.ImportFileRequest);
            return Sender.SendJsonAsync(HttpMethod.Post, "/files/import", null, () => JsonContent(body), ClientJsonContext.Default.FineTuningFile, ct, shown);
        }

        /// <summary>Throws, before anything is sent, when the service cannot import files from a URL.</summary>
        public void EnsureCanImport() => RequireAzureCall("import files from a URL", "Download the file and upload it with Add-FineTuningFile.");

        /// <summary>The shortest lifetime a file can be given: an hour on OpenAI, 14 days on Azure OpenAI.</summary>
        public long MinLifetimeSeconds => Connection.Kind == ServiceKind.AzureOpenAI ? 1_209_600 : 3600;

        /// <summary>Refuses, before anything is sent, a file lifetime the service would refuse.</summary>
        public void EnsureValidLifetime(long? seconds)
        {
            if (seconds is long s && (s < MinLifetimeSeconds || s > MaxLifetimeSeconds))
                throw new ParameterValidationException("ExpiresAfterSec",
                    $"-ExpiresAfterSec {s}: a file can be kept from {MinLifetimeSeconds} seconds ({(MinLifetimeSeconds == 3600 ? "1 hour" : "14 days")}) " +
                    $"to {MaxLifetimeSeconds} seconds (30 days) on this service.", s);
        }

        /// <summary>A URL as it may be shown: without its query, which for a blob SAS URL holds the signature.</summary>
        public static string Redact(Uri url)
        {
            if (url is null) throw new ArgumentNullException(nameof(url));
            if (!url.IsAbsoluteUri) return url.OriginalString.Split('?')[0];
            return string.IsNullOrEmpty(url.Query) ? url.AbsoluteUri : url.GetLeftPart(UriPartial.Path) + "?...";
        }

        /// <summary>
        /// The path of a file, after refusing a job id given where a file id belongs (a job piped into a file cmdlet
        /// binds its own id): the service would only answer 404, which does not say what went wrong.
        /// </summary>
        private static string PathOf(string fileId)
        {
            if (fileId != null && fileId.StartsWith("ftjob-", StringComparison.Ordinal))
                throw new ParameterValidationException("Id",
                    $"'{fileId}' is a fine-tuning job id, not a file id. A job's files are its TrainingFile, ValidationFile and ResultFiles " +
                    "(Save-FineTuningFile -Job saves its result files).", fileId);
            return "/files/" + Segment(fileId!);
        }
    }
}
