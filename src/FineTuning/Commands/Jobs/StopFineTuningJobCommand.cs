using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Stop-FineTuningJob: cancels jobs.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "FineTuningJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FineTuningJob))]
    public sealed class StopFineTuningJobCommand : JobActionCommand
    {
        [Parameter] public SwitchParameter Force { get; set; }

        protected override string Action => "Cancel fine-tuning job";

        /// <summary>-Force skips the confirmation prompt (a cancelled job cannot be resumed); -WhatIf still wins.</summary>
        protected override bool Confirm(string id) => ShouldProcessUnlessForced(Force, id, Action);

        protected override System.Threading.Tasks.Task<FineTuningJob> Invoke(FineTuningClient client, string id, System.Threading.CancellationToken ct) =>
            client.Jobs.CancelAsync(id, ct);
    }
}
