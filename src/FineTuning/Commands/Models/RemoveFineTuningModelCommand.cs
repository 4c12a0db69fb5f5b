using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Remove-FineTuningModel: deletes fine-tuned models.</summary>
    [Cmdlet(VerbsCommon.Remove, "FineTuningModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DeletionResult))]
    public sealed class RemoveFineTuningModelCommand : ModelCommand
    {
        /// <summary>Model names, or model, job or checkpoint objects.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(ServiceModelCompleter))]
        [ValidateNotNullOrEmpty]
        public object[] Id { get; set; } = Array.Empty<object>();

        /// <summary>Write the service's answer for each deleted model.</summary>
        [Parameter] public SwitchParameter PassThru { get; set; }

        /// <summary>Delete without asking; -WhatIf still only reports.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var item in Id)
            {
                var name = NameOf(item, out var value);
                if (name is null) continue;
                var refusal = ModelReference.WhyNotDeletable(value, name);
                if (refusal != null)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(refusal), "NotFineTunedModel", ErrorCategory.InvalidOperation, name));
                    continue;
                }
                if (!ShouldProcessUnlessForced(Force, name, "Delete fine-tuned model")) continue;
                if (TryRun(ct => client.Models.DeleteAsync(name, ct), name, out var result) && PassThru) WriteObject(result);
            }
        }
    }
}
