using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Remove-FineTuningJob: deletes finished jobs (Azure OpenAI; OpenAI's API has no such call).</summary>
    [Cmdlet(VerbsCommon.Remove, "FineTuningJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DeletionResult))]
    public sealed class RemoveFineTuningJobCommand : JobIdCommand
    {
        [Parameter] public SwitchParameter PassThru { get; set; }

        /// <summary>Delete without asking; -WhatIf still only reports.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                Client.Jobs.EnsureCanDelete();
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
                if (TryRunJobChange(ct => client.Jobs.DeleteAsync(id, ct), id, out var result) && PassThru) WriteObject(result);
            }
        }
    }
}
