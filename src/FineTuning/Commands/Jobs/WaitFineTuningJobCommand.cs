using System;
using System.Collections.Generic;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// Wait-FineTuningJob: waits for jobs to reach a final state, all of them in one polling loop, and writes each
    /// as it ends (what else is written for failed, cancelled and timed-out jobs: see <see cref="JobWaiter"/>).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "FineTuningJob")]
    [OutputType(typeof(FineTuningJob))]
    [OutputType(typeof(FineTuningWaitJob))]
    public sealed class WaitFineTuningJobCommand : JobIdCommand
    {
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateRange(0.05, 3600)]
        public double PollIntervalSec { get; set; } = 1;

        /// <summary>Waits in a PowerShell background job (one per fine-tuning job) and returns at once.</summary>
        [Parameter] public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            var timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
            var interval = TimeSpan.FromSeconds(PollIntervalSec);
            if (AsJob)
            {
                foreach (var id in Id)
                {
                    WriteObject(FineTuningWaitJob.StartNew(this, "Wait-FineTuningJob " + id, id, Client, timeout, interval));
                }
                return;
            }
            // Jobs from the pipeline are gathered and waited for together, in one polling loop.
            _ids.AddRange(Id);
        }

        private readonly List<string> _ids = new List<string>();

        protected override void EndProcessing()
        {
            if (AsJob || _ids.Count == 0) return;
            var timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
            new JobWaiter(this, Client, timeout, TimeSpan.FromSeconds(PollIntervalSec)).WaitAndWrite(_ids);
        }
    }
}
