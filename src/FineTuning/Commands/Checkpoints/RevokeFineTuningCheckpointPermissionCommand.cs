using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Revoke-FineTuningCheckpointPermission: stops sharing a checkpoint with a project.</summary>
    [Cmdlet(VerbsSecurity.Revoke, "FineTuningCheckpointPermission", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DeletionResult))]
    public sealed class RevokeFineTuningCheckpointPermissionCommand : CheckpointPermissionCommand
    {
        protected override string Noun => "Permission";

        /// <summary>The checkpoint or fine-tuned model the permission is on: a name or an object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FineTunedModelCheckpoint")]
        [ValidateNotNull]
        public object? Checkpoint { get; set; }

        /// <summary>The permission's id (<c>cp_...</c>).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("PermissionId", "permission_id")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; } = string.Empty;

        /// <summary>Write the service's answer for each revoked permission.</summary>
        [Parameter] public SwitchParameter PassThru { get; set; }

        /// <summary>Revoke without asking; -WhatIf still only reports.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var name = NameOf(Checkpoint, out _);
            if (name is null) return;
            if (!ShouldProcessUnlessForced(Force, $"{Id} on {name}", "Revoke checkpoint permission")) return;
            var client = Client;
            if (TryRun(ct => client.Permissions.DeleteAsync(name, Id, ct), Id, out var result) && PassThru) WriteObject(result);
        }
    }
}
