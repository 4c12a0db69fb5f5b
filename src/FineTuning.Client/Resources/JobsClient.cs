using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>Fine-tuning jobs (<c>/fine_tuning/jobs</c>): create, read, list, cancel, pause, resume, delete; their events and checkpoints.</summary>
    public sealed class JobsClient : ApiResource
    {
        internal JobsClient(ApiSender sender) : base(sender) { }

        /// <summary>The path of one job.</summary>
        public static string PathOf(string jobId) => "/fine_tuning/jobs/" + Segment(jobId);

        public Task<FineTuningJob> CreateAsync(CreateJobRequest request, CancellationToken ct = default) =>
            PostJsonAsync("/fine_tuning/jobs", request, ClientJsonContext.Default.CreateJobRequest, ClientJsonContext.Default.FineTuningJob, ct, logBody: true);

        public Task<FineTuningJob> GetAsync(string jobId, CancellationToken ct = default) =>
            GetJsonAsync(PathOf(jobId), null, ClientJsonContext.Default.FineTuningJob, ct);

        public Task<FineTuningJob> CancelAsync(string jobId, CancellationToken ct = default) => Action(jobId, "cancel", ct);

        public Task<FineTuningJob> PauseAsync(string jobId, CancellationToken ct = default) => Action(jobId, "pause", ct);

        public Task<FineTuningJob> ResumeAsync(string jobId, CancellationToken ct = default) => Action(jobId, "resume", ct);

        private Task<FineTuningJob> Action(string jobId, string action, CancellationToken ct) =>
            Sender.SendJsonAsync(HttpMethod.Post, PathOf(jobId) + "/" + action, null, EmptyBody, ClientJsonContext.Default.FineTuningJob, ct);

        /// <summary>
        /// One page of jobs, newest first: with <paramref name="metadata"/>, only jobs having all its pairs; with
        /// <paramref name="withoutMetadata"/>, only jobs that have none (the API's literal <c>metadata=null</c>).
        /// </summary>
        public Task<ListPage<FineTuningJob>> ListAsync(string? after, int? limit, IDictionary<string, string>? metadata = null, CancellationToken ct = default,
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
            return GetJsonAsync("/fine_tuning/jobs", query, ClientJsonContext.Default.ListPageFineTuningJob, ct);
        }

        /// <summary>One page of a job's events, newest first; each event knows its job.</summary>
        public async Task<ListPage<FineTuningEvent>> ListEventsAsync(string jobId, string? after, int? limit, CancellationToken ct = default)
        {
            var page = await GetJsonAsync(PathOf(jobId) + "/events", PageQuery(after, limit), ClientJsonContext.Default.ListPageFineTuningEvent, ct).ConfigureAwait(false);
            foreach (var e in page.Data) e.JobId = jobId;
            return page;
        }

        /// <summary>One page of a job's checkpoints, newest first.</summary>
        public Task<ListPage<FineTuningCheckpoint>> ListCheckpointsAsync(string jobId, string? after, int? limit, CancellationToken ct = default) =>
            GetJsonAsync(PathOf(jobId) + "/checkpoints", PageQuery(after, limit), ClientJsonContext.Default.ListPageFineTuningCheckpoint, ct);

        /// <summary>Throws, before anything is sent, when the service has no way to delete a job.</summary>
        public void EnsureCanDelete() => RequireAzureCall("delete jobs",
            "Stop-FineTuningJob cancels a job; Remove-FineTuningModel and Remove-FineTuningFile delete what it made and used.");

        /// <summary>Deletes a finished job (Azure OpenAI). The service answers 204 with no body; the result is made here.</summary>
        public async Task<DeletionResult> DeleteAsync(string jobId, CancellationToken ct = default)
        {
            EnsureCanDelete();
            using var response = await Sender.SendAsync(HttpMethod.Delete, PathOf(jobId), null, null, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            return new DeletionResult { Id = jobId, Object = "fine_tuning.job", Deleted = true };
        }
    }
}
