using System;
using System.Collections.Generic;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Get-FineTuningEvent: lists a job's events, or follows them as they come.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningEvent")]
    [OutputType(typeof(FineTuningEvent))]
    public sealed class GetFineTuningEventCommand : JobListCommand
    {
        [Parameter] public SwitchParameter Follow { get; set; }

        [Parameter]
        [ValidateRange(0.05, 3600)]
        public double PollIntervalSec { get; set; } = 2;

        protected override void ProcessRecord()
        {
            var client = Client;
            var id = Id;
            if (!Follow)
            {
                WriteList((after, limit, ct) => client.Jobs.ListEventsAsync(id, after, limit, ct), e => e.Id, First, Skip, 100, id);
                return;
            }

            // Follow: everything so far, oldest first, then whatever is new at each poll until the job is final.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var written = 0L;
            var skipped = 0L;
            while (true)
            {
                if (!TryRun(ct => client.Jobs.GetAsync(id, ct), id, out var job)) return;
                var fresh = new List<FineTuningEvent>();
                var pager = new Pager<FineTuningEvent>((after, limit, ct) => client.Jobs.ListEventsAsync(id, after, limit, ct), e => e.Id, 100);
                var reachedSeen = false;
                while (!pager.Done && !reachedSeen)
                {
                    if (!TryRun(ct => pager.NextAsync(ct), id, out var page)) return;
                    foreach (var e in page)
                    {
                        if (seen.Contains(e.Id)) { reachedSeen = true; break; }
                        fresh.Add(e);
                    }
                }
                for (var i = fresh.Count - 1; i >= 0; i--)
                {
                    seen.Add(fresh[i].Id);
                    if (skipped < Skip) { skipped++; continue; }
                    WriteObject(fresh[i]);
                    if (++written >= First) return;
                }
                if (JobStatus.IsFinal(job.Status)) return;
                Sleep(TimeSpan.FromSeconds(PollIntervalSec));
            }
        }
    }
}
