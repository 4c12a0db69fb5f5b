using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>
    /// Permissions on checkpoints and fine-tuned models (<c>/fine_tuning/checkpoints/{name}/permissions</c>, an admin
    /// API key): which projects may use them. Every permission returned knows its checkpoint.
    /// </summary>
    public sealed class CheckpointPermissionsClient : ApiResource
    {
        internal CheckpointPermissionsClient(ApiSender sender) : base(sender) { }

        /// <summary>
        /// One page of the permissions on a checkpoint or fine-tuned model; <paramref name="order"/> is ascending or
        /// descending (the service's default), <paramref name="projectId"/> keeps one project's.
        /// </summary>
        public async Task<ListPage<FineTuningCheckpointPermission>> ListAsync(string checkpoint, string? projectId, string? after, int? limit,
            string? order = null, CancellationToken ct = default)
        {
            var query = PageQuery(after, limit);
            AddIfGiven(query, "project_id", projectId);
            AddIfGiven(query, "order", order);
            var page = await GetJsonAsync(PathOf(checkpoint), query, ClientJsonContext.Default.ListPageFineTuningCheckpointPermission, ct).ConfigureAwait(false);
            foreach (var p in page.Data) p.Checkpoint = checkpoint;
            return page;
        }

        /// <summary>Shares a checkpoint or fine-tuned model with projects; returns the new permissions, one per project.</summary>
        public async Task<IReadOnlyList<FineTuningCheckpointPermission>> CreateAsync(string checkpoint, IEnumerable<string> projectIds, CancellationToken ct = default)
        {
            var page = await PostJsonAsync(PathOf(checkpoint), new CreateCheckpointPermissionRequest { ProjectIds = new List<string>(projectIds) },
                ClientJsonContext.Default.CreateCheckpointPermissionRequest, ClientJsonContext.Default.ListPageFineTuningCheckpointPermission, ct).ConfigureAwait(false);
            foreach (var p in page.Data) p.Checkpoint = checkpoint;
            return page.Data;
        }

        public Task<DeletionResult> DeleteAsync(string checkpoint, string permissionId, CancellationToken ct = default) =>
            DeleteJsonAsync(PathOf(checkpoint) + "/" + Segment(permissionId), ClientJsonContext.Default.DeletionResult, ct);

        private static string PathOf(string checkpoint) => "/fine_tuning/checkpoints/" + Segment(checkpoint) + "/permissions";
    }
}
