using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Compare-FineTuningJob: one row per job with its settings, size, time and what its metrics reached.</summary>
    [Cmdlet(VerbsData.Compare, "FineTuningJob")]
    [OutputType(typeof(JobComparisonRow))]
    public sealed class CompareFineTuningJobCommand : JobIdCommand
    {
        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var id in Id)
            {
                if (!TryRun(ct => client.Jobs.GetAsync(id, ct), id, out var job)) continue;
                if (!TryRun(ct => MetricReader.ReadAsync(client, job, ct), id, out var rows)) continue;
                WriteObject(JobComparisonRow.From(job, rows));
            }
        }
    }
}
