using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    public sealed partial class FineTuningClient
    {
        private static readonly Func<HttpContent?> EmptyBody = () => null;

        // ---- jobs ----

        public Task<FineTuningJob> CreateJobAsync(CreateJobRequest request, CancellationToken ct = default)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(request, ClientJsonContext.Default.CreateJobRequest);
            return SendJsonAsync(HttpMethod.Post, "/fine_tuning/jobs", null, () => JsonContent(json), ClientJsonContext.Default.FineTuningJob, ct,
                ClientLog.DebugEnabled ? Encoding.UTF8.GetString(json) : null);
        }

        public Task<FineTuningJob> GetJobAsync(string jobId, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Get, "/fine_tuning/jobs/" + Segment(jobId), null, null, ClientJsonContext.Default.FineTuningJob, ct);

        public Task<FineTuningJob> CancelJobAsync(string jobId, CancellationToken ct = default) => JobAction(jobId, "cancel", ct);

        public Task<FineTuningJob> PauseJobAsync(string jobId, CancellationToken ct = default) => JobAction(jobId, "pause", ct);

        public Task<FineTuningJob> ResumeJobAsync(string jobId, CancellationToken ct = default) => JobAction(jobId, "resume", ct);

        private Task<FineTuningJob> JobAction(string jobId, string action, CancellationToken ct) =>
            SendJsonAsync(HttpMethod.Post, "/fine_tuning/jobs/" + Segment(jobId) + "/" + action, null, EmptyBody, ClientJsonContext.Default.FineTuningJob, ct);

        /// <summary>One page of jobs, newest first. <paramref name="metadata"/> filters on the service (all pairs must match).</summary>
        /// <summary>
        /// One page of jobs, newest first: with <paramref name="metadata"/>, only jobs having all its pairs; with
        /// <paramref name="withoutMetadata"/>, only jobs that have none (the API's literal <c>metadata=null</c>).
        /// </summary>
        public Task<ListPage<FineTuningJob>> ListJobsAsync(string? after, int? limit, IDictionary<string, string>? metadata = null, CancellationToken ct = default,
            bool withoutMetadata = false)
        {
            if (withoutMetadata && metadata != null && metadata.Count > 0)
                throw new ParameterValidationException("NoMetadata", "-NoMetadata lists jobs without metadata; it cannot be combined with -Metadata pairs.");
            var query = PageQuery(after, limit);
            if (withoutMetadata) query.Add(new KeyValuePair<string, string>("metadata", "null"));
            if (metadata != null)
            {
                foreach (var kv in metadata) query.Add(new KeyValuePair<string, string>("metadata[" + kv.Key + "]", kv.Value));
            }
            return SendJsonAsync(HttpMethod.Get, "/fine_tuning/jobs", query, null, ClientJsonContext.Default.ListPageFineTuningJob, ct);
        }

        /// <summary>One page of a job's events, newest first.</summary>
        public async Task<ListPage<FineTuningEvent>> ListEventsAsync(string jobId, string? after, int? limit, CancellationToken ct = default)
        {
            var page = await SendJsonAsync(HttpMethod.Get, "/fine_tuning/jobs/" + Segment(jobId) + "/events", PageQuery(after, limit), null,
                ClientJsonContext.Default.ListPageFineTuningEvent, ct).ConfigureAwait(false);
            foreach (var e in page.Data) e.JobId = jobId;
            return page;
        }

        /// <summary>One page of a job's checkpoints, newest first.</summary>
        public Task<ListPage<FineTuningCheckpoint>> ListCheckpointsAsync(string jobId, string? after, int? limit, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Get, "/fine_tuning/jobs/" + Segment(jobId) + "/checkpoints", PageQuery(after, limit), null,
                ClientJsonContext.Default.ListPageFineTuningCheckpoint, ct);

        // ---- checkpoint permissions (admin API key) ----

        /// <summary>
        /// One page of the permissions on a checkpoint or fine-tuned model; <paramref name="order"/> is ascending or
        /// descending (the service's default), <paramref name="projectId"/> keeps one project's.
        /// </summary>
        public async Task<ListPage<FineTuningCheckpointPermission>> ListCheckpointPermissionsAsync(string checkpoint, string? projectId, string? after, int? limit,
            string? order = null, CancellationToken ct = default)
        {
            var query = PageQuery(after, limit);
            if (!string.IsNullOrEmpty(projectId)) query.Add(new KeyValuePair<string, string>("project_id", projectId!));
            if (!string.IsNullOrEmpty(order)) query.Add(new KeyValuePair<string, string>("order", order!));
            var page = await SendJsonAsync(HttpMethod.Get, PermissionsPath(checkpoint), query, null, ClientJsonContext.Default.ListPageFineTuningCheckpointPermission, ct).ConfigureAwait(false);
            foreach (var p in page.Data) p.Checkpoint = checkpoint;
            return page;
        }

        /// <summary>Shares a checkpoint or fine-tuned model with projects; returns the new permissions, one per project.</summary>
        public async Task<IReadOnlyList<FineTuningCheckpointPermission>> CreateCheckpointPermissionsAsync(string checkpoint, IEnumerable<string> projectIds, CancellationToken ct = default)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new CreateCheckpointPermissionRequest { ProjectIds = new List<string>(projectIds) },
                ClientJsonContext.Default.CreateCheckpointPermissionRequest);
            var page = await SendJsonAsync(HttpMethod.Post, PermissionsPath(checkpoint), null, () => JsonContent(body),
                ClientJsonContext.Default.ListPageFineTuningCheckpointPermission, ct).ConfigureAwait(false);
            foreach (var p in page.Data) p.Checkpoint = checkpoint;
            return page.Data;
        }

        public Task<DeletionResult> DeleteCheckpointPermissionAsync(string checkpoint, string permissionId, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Delete, PermissionsPath(checkpoint) + "/" + Segment(permissionId), null, null, ClientJsonContext.Default.DeletionResult, ct);

        private static string PermissionsPath(string checkpoint) => "/fine_tuning/checkpoints/" + Segment(checkpoint) + "/permissions";

        // ---- files ----

        /// <summary>
        /// Uploads a file with multipart/form-data (POST /files). The part headers quote <c>name</c> and
        /// <c>filename</c> as RFC 7578 writes them. <paramref name="progress"/> receives bytes sent so far.
        /// </summary>
        public Task<FineTuningFile> UploadFileAsync(string path, string purpose, string? fileName = null, IProgress<long>? progress = null, CancellationToken ct = default,
            long? expiresAfterSeconds = null)
        {
            EnsureValidFileLifetime(expiresAfterSeconds);
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            var name = string.IsNullOrEmpty(fileName) ? info.Name : fileName!;
            return SendJsonAsync(HttpMethod.Post, "/files", null, () =>
            {
                var form = new MultipartFormDataContent("----FineTuningBoundary" + Guid.NewGuid().ToString("N"));
                var purposePart = new StringContent(purpose, Encoding.UTF8);
                purposePart.Headers.ContentType = null;
                purposePart.Headers.ContentDisposition = FormDisposition("purpose", null);
                form.Add(purposePart);
                if (expiresAfterSeconds is long seconds)
                {
                    foreach (var (field, value) in new[] { ("expires_after[anchor]", "created_at"), ("expires_after[seconds]", seconds.ToString(CultureInfo.InvariantCulture)) })
                    {
                        var part = new StringContent(value, Encoding.UTF8);
                        part.Headers.ContentType = null;
                        part.Headers.ContentDisposition = FormDisposition(field, null);
                        form.Add(part);
                    }
                }
                var filePart = new ProgressFileContent(info.FullName, progress);
                filePart.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? "application/jsonl" : "application/octet-stream");
                filePart.Headers.ContentDisposition = FormDisposition("file", name);
                form.Add(filePart);
                return form;
            }, ClientJsonContext.Default.FineTuningFile, ct);
        }

        public Task<FineTuningFile> GetFileAsync(string fileId, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Get, FilePath(fileId), null, null, ClientJsonContext.Default.FineTuningFile, ct);

        /// <summary>
        /// The path of a file, after refusing a job id given where a file id belongs (a job piped into a file cmdlet
        /// binds its own id): the service would only answer 404, which does not say what went wrong.
        /// </summary>
        private static string FilePath(string fileId)
        {
            if (fileId != null && fileId.StartsWith("ftjob-", StringComparison.Ordinal))
                throw new ParameterValidationException("Id",
                    $"'{fileId}' is a fine-tuning job id, not a file id. A job's files are its TrainingFile, ValidationFile and ResultFiles " +
                    "(Save-FineTuningFile -Job saves its result files).", fileId);
            return "/files/" + Segment(fileId!);
        }

        /// <summary>
        /// Whether the service may have Azure OpenAI's own calls (deleting jobs, importing files from a URL): Azure OpenAI
        /// has them, OpenAI and the emulator in OpenAI's dialect do not. A compatible service is given the benefit of the doubt.
        /// </summary>
        public bool HasAzureCalls => _connection.Kind == ServiceKind.AzureOpenAI || _connection.Kind == ServiceKind.Compatible;

        /// <summary>Throws, before anything is sent, when the service has no way to delete a job.</summary>
        public void EnsureCanDeleteJobs() => RequireAzureCall("delete jobs",
            "Stop-FineTuningJob cancels a job; Remove-FineTuningModel and Remove-FineTuningFile delete what it made and used.");

        /// <summary>Throws, before anything is sent, when the service cannot import files from a URL.</summary>
        public void EnsureCanImportFiles() => RequireAzureCall("import files from a URL",
            "Download the file and upload it with Add-FineTuningFile.");

        private void RequireAzureCall(string what, string instead)
        {
            if (!HasAzureCalls)
                throw new NotSupportedException($"OpenAI's fine-tuning API cannot {what} (Azure OpenAI's can). {instead} Nothing was sent.");
        }

        /// <summary>The shortest lifetime a file can be given: an hour on OpenAI, 14 days on Azure OpenAI.</summary>
        public long MinFileLifetimeSeconds => _connection.Kind == ServiceKind.AzureOpenAI ? 1_209_600 : 3600;

        /// <summary>The longest lifetime a file can be given: 30 days.</summary>
        public const long MaxFileLifetimeSeconds = 2_592_000;

        /// <summary>Refuses, before anything is sent, a file lifetime the service would refuse.</summary>
        public void EnsureValidFileLifetime(long? seconds)
        {
            if (seconds is long s && (s < MinFileLifetimeSeconds || s > MaxFileLifetimeSeconds))
                throw new ParameterValidationException("ExpiresAfterSec",
                    $"-ExpiresAfterSec {s}: a file can be kept from {MinFileLifetimeSeconds} seconds ({(MinFileLifetimeSeconds == 3600 ? "1 hour" : "14 days")}) " +
                    $"to {MaxFileLifetimeSeconds} seconds (30 days) on this service.", s);
        }

        /// <summary>A URL as it may be shown: without its query, which for a blob SAS URL holds the signature.</summary>
        public static string Redact(Uri url)
        {
            if (url is null) throw new ArgumentNullException(nameof(url));
            if (!url.IsAbsoluteUri) return url.OriginalString.Split('?')[0];
            return string.IsNullOrEmpty(url.Query) ? url.AbsoluteUri : url.GetLeftPart(UriPartial.Path) + "?...";
        }

        /// <summary>
        /// Azure OpenAI: makes a file from content the service downloads itself (<c>POST /files/import</c>), such as a blob
        /// SAS URL. The URL's query is never logged.
        /// </summary>
        public Task<FineTuningFile> ImportFileAsync(Uri contentUrl, string fileName, string purpose = "fine-tune", CancellationToken ct = default,
            long? expiresAfterSeconds = null)
        {
            if (contentUrl is null || !contentUrl.IsAbsoluteUri || (contentUrl.Scheme != Uri.UriSchemeHttps && contentUrl.Scheme != Uri.UriSchemeHttp))
                throw new ParameterValidationException("Uri", "-Uri must be an absolute http or https URL the service can download, such as a blob SAS URL.",
                    contentUrl is null ? null : Redact(contentUrl));
            if (string.IsNullOrWhiteSpace(fileName))
                throw new ParameterValidationException("FileName", "-FileName must name the file, for example 'train.jsonl'.");
            if (purpose == "fine-tune" && !fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                throw new ParameterValidationException("FileName", $"-FileName '{fileName}': a fine-tune file's name must end in .jsonl.", fileName);
            EnsureValidFileLifetime(expiresAfterSeconds);
            EnsureCanImportFiles();
            var request = new ImportFileRequest
            {
                Purpose = purpose, Filename = fileName, ContentUrl = contentUrl.AbsoluteUri, ExpiresAfter = FileExpiration.After(expiresAfterSeconds),
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(request, ClientJsonContext.Default.ImportFileRequest);
            request.ContentUrl = Redact(contentUrl);
            var shown = JsonSerializer.Serialize(request, ClientJsonContext.Default.ImportFileRequest);
            return SendJsonAsync(HttpMethod.Post, "/files/import", null, () => JsonContent(body), ClientJsonContext.Default.FineTuningFile, ct, shown);
        }

        /// <summary>Deletes a finished job (Azure OpenAI). The service answers 204 with no body; the result is made here.</summary>
        public async Task<DeletionResult> DeleteJobAsync(string jobId, CancellationToken ct = default)
        {
            EnsureCanDeleteJobs();
            using var response = await SendAsync(HttpMethod.Delete, "/fine_tuning/jobs/" + Segment(jobId), null, null,
                HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            return new DeletionResult { Id = jobId, Object = "fine_tuning.job", Deleted = true };
        }

        public Task<DeletionResult> DeleteFileAsync(string fileId, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Delete, FilePath(fileId), null, null, ClientJsonContext.Default.DeletionResult, ct);

        /// <summary>Asks the service whether a grader is well formed; a 400 names what is wrong.</summary>
        public Task<ValidateGraderResponse> ValidateGraderAsync(JsonElement grader, CancellationToken ct = default)
        {
            GraderCheck.Require(grader, "Grader");
            var body = JsonSerializer.SerializeToUtf8Bytes(new ValidateGraderRequest { Grader = grader }, ClientJsonContext.Default.ValidateGraderRequest);
            return SendJsonAsync(HttpMethod.Post, "/fine_tuning/alpha/graders/validate", null, () => JsonContent(body), ClientJsonContext.Default.ValidateGraderResponse, ct,
                ClientLog.DebugEnabled ? Encoding.UTF8.GetString(body) : null);
        }

        /// <summary>Runs a grader on one model output (and the dataset line it answers) and returns the reward.</summary>
        public Task<GraderResult> RunGraderAsync(RunGraderRequest request, CancellationToken ct = default)
        {
            GraderCheck.Require(request.Grader, "Grader");
            var body = JsonSerializer.SerializeToUtf8Bytes(request, ClientJsonContext.Default.RunGraderRequest);
            return SendJsonAsync(HttpMethod.Post, "/fine_tuning/alpha/graders/run", null, () => JsonContent(body), ClientJsonContext.Default.GraderResult, ct,
                ClientLog.DebugEnabled ? Encoding.UTF8.GetString(body) : null);
        }

        /// <summary>Every model the account can use: base models and its fine-tuned models (the service does not page this list).</summary>
        public Task<ListPage<FineTuningModel>> ListModelsAsync(CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Get, "/models", null, null, ClientJsonContext.Default.ListPageFineTuningModel, ct);

        public Task<FineTuningModel> GetModelAsync(string model, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Get, "/models/" + Segment(model), null, null, ClientJsonContext.Default.FineTuningModel, ct);

        /// <summary>Deletes a fine-tuned model (the service refuses base models; OpenAI asks for the Owner role).</summary>
        public Task<DeletionResult> DeleteModelAsync(string model, CancellationToken ct = default) =>
            SendJsonAsync(HttpMethod.Delete, "/models/" + Segment(model), null, null, ClientJsonContext.Default.DeletionResult, ct);

        /// <summary>One page of files. <paramref name="order"/> is asc or desc (the service's default is desc).</summary>
        public Task<ListPage<FineTuningFile>> ListFilesAsync(string? purpose, string? after, int? limit, string? order = null, CancellationToken ct = default)
        {
            var query = PageQuery(after, limit);
            if (!string.IsNullOrEmpty(purpose)) query.Add(new KeyValuePair<string, string>("purpose", purpose!));
            if (!string.IsNullOrEmpty(order)) query.Add(new KeyValuePair<string, string>("order", order!));
            return SendJsonAsync(HttpMethod.Get, "/files", query, null, ClientJsonContext.Default.ListPageFineTuningFile, ct);
        }

        /// <summary>
        /// Streams a file's content into <paramref name="destination"/>; returns the bytes copied. Unbounded by default (a
        /// download goes to disk); <paramref name="maxBytes"/> bounds a read into memory (ResponseTooLarge past it).
        /// </summary>
        public async Task<long> DownloadFileContentAsync(string fileId, Stream destination, CancellationToken ct = default, long? maxBytes = null)
        {
            var path = FilePath(fileId) + "/content";
            using var response = await SendAsync(HttpMethod.Get, path, null, null, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var declared = response.Content.Headers.ContentLength;
            if (maxBytes.HasValue && declared > maxBytes) throw TooLarge(response, "GET", path, maxBytes.Value, declared);
            using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (maxBytes.HasValue && total > maxBytes.Value) throw TooLarge(response, "GET", path, maxBytes.Value, declared);
                await destination.WriteAsync(buffer, 0, read, ct).ConfigureAwait(false);
            }
            return total;
        }

        /// <summary>The most of a result file Get-FineTuningMetric reads into memory (256 MiB, millions of steps).</summary>
        public const long MaxMetricsBytes = 256L * 1024 * 1024;

        // ---- helpers ----

        private static List<KeyValuePair<string, string>> PageQuery(string? after, int? limit)
        {
            var q = new List<KeyValuePair<string, string>>(4);
            if (!string.IsNullOrEmpty(after)) q.Add(new KeyValuePair<string, string>("after", after!));
            if (limit.HasValue) q.Add(new KeyValuePair<string, string>("limit", limit.Value.ToString(CultureInfo.InvariantCulture)));
            return q;
        }

        private static HttpContent JsonContent(byte[] json)
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }

        /// <summary>form-data disposition with quoted name and filename (RFC 7578 §4.2).</summary>
        internal static ContentDispositionHeaderValue FormDisposition(string name, string? fileName)
        {
            var value = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
            if (fileName != null) value.FileName = Quote(fileName);
            return value;
        }

        private static string Quote(string value)
        {
            var sb = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                if (c == '"') sb.Append("%22");
                else if (c == '\\') sb.Append("\\\\");
                else if (c == '\r') sb.Append("%0D");
                else if (c == '\n') sb.Append("%0A");
                else if (c > 127) sb.Append(Uri.EscapeDataString(c.ToString()));
                else sb.Append(c);
            }
            return sb.Append('"').ToString();
        }
    }

    /// <summary>Streams a file as request content, reporting progress; opened afresh on every attempt.</summary>
    internal sealed class ProgressFileContent : HttpContent
    {
        private readonly string _path;
        private readonly IProgress<long>? _progress;

        public ProgressFileContent(string path, IProgress<long>? progress)
        {
            _path = path;
            _progress = progress;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            var buffer = new byte[81920];
            long sent = 0;
            int read;
            while ((read = await file.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer, 0, read).ConfigureAwait(false);
                sent += read;
                _progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = new FileInfo(_path).Length;
            return true;
        }
    }
}
