using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>Reads a job's metrics: from its result file once it has one, else from its metrics events.</summary>
    public static class MetricReader
    {
        public static async Task<List<MetricRow>> ReadAsync(FineTuningClient client, FineTuningJob job, CancellationToken ct)
        {
            var resultId = job.ResultFiles?.FirstOrDefault();
            if (resultId != null)
            {
                using var buffer = new MemoryStream();
                await client.Files.DownloadContentAsync(resultId, buffer, ct, FilesClient.MaxMetricsBytes).ConfigureAwait(false);
                return ResultFile.Parse(ResultFile.Decode(buffer.ToArray()), job.Id);
            }
            var pager = new Pager<FineTuningEvent>((after, limit, c) => client.Jobs.ListEventsAsync(job.Id, after, limit, c), e => e.Id, 100);
            var events = await pager.ToListAsync(ct).ConfigureAwait(false);
            return events.Select(e => e.Metrics).Where(m => m?.Step != null).Select(m => MetricRow.FromEvent(m!, job.Id))
                .GroupBy(r => r.Step).Select(g => g.First()).OrderBy(r => r.Step).ToList();
        }
    }
}
