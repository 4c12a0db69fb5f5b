using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Suspend-FineTuningJob: pauses running jobs.</summary>
    [Cmdlet(VerbsLifecycle.Suspend, "FineTuningJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuningJob))]
    public sealed class SuspendFineTuningJobCommand : JobActionCommand
    {
        protected override string Action => "Pause fine-tuning job";

        protected override System.Threading.Tasks.Task<FineTuningJob> Invoke(FineTuningClient client, string id, System.Threading.CancellationToken ct) =>
            client.Jobs.PauseAsync(id, ct);
    }
}
