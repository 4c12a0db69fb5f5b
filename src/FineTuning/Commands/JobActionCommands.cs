using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Shared body of the cmdlets that change a job's state.</summary>
    public abstract class JobActionCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        protected override string Noun => "Job";

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

    /// <summary>Remove-FineTuningJob: deletes finished jobs (Azure OpenAI; OpenAI's API has no such call).</summary>
    [Cmdlet(VerbsCommon.Remove, "FineTuningJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DeletionResult))]
    public sealed class RemoveFineTuningJobCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        [Parameter] public SwitchParameter PassThru { get; set; }

        /// <summary>Delete without asking; -WhatIf still only reports.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override string Noun => "Job";

        protected override void BeginProcessing()
        {
            try
            {
                Client.EnsureCanDeleteJobs();
            }
            catch (NotSupportedException ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
            }
        }

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var id in Id)
            {
                if (!ShouldProcessUnlessForced(Force, id, "Delete fine-tuning job")) continue;
                if (TryRunJobChange(ct => client.DeleteJobAsync(id, ct), id, out var result) && PassThru) WriteObject(result);
            }
        }
    }

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
            client.CancelJobAsync(id, ct);
    }

    /// <summary>Suspend-FineTuningJob: pauses running jobs.</summary>
    [Cmdlet(VerbsLifecycle.Suspend, "FineTuningJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuningJob))]
    public sealed class SuspendFineTuningJobCommand : JobActionCommand
    {
        protected override string Action => "Pause fine-tuning job";

        protected override System.Threading.Tasks.Task<FineTuningJob> Invoke(FineTuningClient client, string id, System.Threading.CancellationToken ct) =>
            client.PauseJobAsync(id, ct);
    }

    /// <summary>Resume-FineTuningJob: resumes paused jobs.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "FineTuningJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuningJob))]
    public sealed class ResumeFineTuningJobCommand : JobActionCommand
    {
        protected override string Action => "Resume fine-tuning job";

        protected override System.Threading.Tasks.Task<FineTuningJob> Invoke(FineTuningClient client, string id, System.Threading.CancellationToken ct) =>
            client.ResumeJobAsync(id, ct);
    }
}
