using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Get-FineTuningMetric: the training metrics of a job, one row per step.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningMetric")]
    [OutputType(typeof(MetricRow))]
    public sealed class GetFineTuningMetricCommand : JobIdCommand
    {
        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var id in Id)
            {
                if (!TryRun(ct => client.Jobs.GetAsync(id, ct), id, out var job)) continue;
                // Without a result file yet (the job is still running, or failed), the metrics events say the same so far.
                if (job.ResultFiles is null || job.ResultFiles.Count == 0)
                    WriteVerbose($"Job {id} ({job.Status}) has no result file yet; reading its metrics events.");
                if (!TryRun(ct => MetricReader.ReadAsync(client, job, ct), id, out var rows)) continue;
                foreach (var row in rows) WriteObject(row);
            }
        }
    }
}
