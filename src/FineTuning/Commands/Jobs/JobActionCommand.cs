using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Shared body of the cmdlets that change a job's state.</summary>
    public abstract class JobActionCommand : JobIdCommand
    {
        protected abstract string Action { get; }

        protected abstract System.Threading.Tasks.Task<FineTuningJob> Invoke(FineTuningClient client, string id, System.Threading.CancellationToken ct);

        protected virtual bool Confirm(string id) => ShouldProcess(id, Action);

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var id in Id)
            {
                if (!Confirm(id)) continue;
                if (TryRunJobChange(ct => Invoke(client, id, ct), id, out var job)) WriteObject(job);
            }
        }
    }
}
