using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Resume-FineTuningJob: resumes paused jobs.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "FineTuningJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuningJob))]
    public sealed class ResumeFineTuningJobCommand : JobActionCommand
    {
        protected override string Action => "Resume fine-tuning job";

        protected override System.Threading.Tasks.Task<FineTuningJob> Invoke(FineTuningClient client, string id, System.Threading.CancellationToken ct) =>
            client.Jobs.ResumeAsync(id, ct);
    }
}
