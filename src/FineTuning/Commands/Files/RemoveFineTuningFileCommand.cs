using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Remove-FineTuningFile: deletes files from the service.</summary>
    [Cmdlet(VerbsCommon.Remove, "FineTuningFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DeletionResult))]
    public sealed class RemoveFineTuningFileCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId", "file_id")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        [Parameter] public SwitchParameter PassThru { get; set; }

        /// <summary>Delete without asking; -WhatIf still only reports.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override string Noun => "File";

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var id in Id)
            {
                if (!ShouldProcessUnlessForced(Force, id, "Delete file")) continue;
                if (TryRun(ct => client.Files.DeleteAsync(id, ct), id, out var result) && PassThru) WriteObject(result);
            }
        }
    }
}
