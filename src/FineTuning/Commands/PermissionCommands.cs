using System;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Shared input of the checkpoint permission cmdlets: the checkpoint as a name or an object.</summary>
    public abstract class CheckpointPermissionCommand : ModelCommand
    {
        protected override string Noun => "Checkpoint";
        protected override string InvalidItemErrorId => "InvalidCheckpoint";
    }

    /// <summary>Get-FineTuningCheckpointPermission: the projects a checkpoint is shared with.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningCheckpointPermission")]
    [OutputType(typeof(FineTuningCheckpointPermission))]
    public sealed class GetFineTuningCheckpointPermissionCommand : CheckpointPermissionCommand
    {
        /// <summary>Checkpoint or fine-tuned model names, or checkpoint, model and job objects.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("FineTunedModelCheckpoint")]
        [ValidateNotNullOrEmpty]
        public object[] Checkpoint { get; set; } = Array.Empty<object>();

        /// <summary>Only the permission of this project.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ProjectId { get; set; }

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int First { get; set; } = int.MaxValue;

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Skip { get; set; }

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var item in Checkpoint)
            {
                var name = NameOf(item, out _);
                if (name is null) continue;
                WriteList((after, limit, ct) => client.ListCheckpointPermissionsAsync(name, ProjectId, after, limit, null, ct), p => p.Id, First, Skip, 100, name);
            }
        }
    }

    /// <summary>Grant-FineTuningCheckpointPermission: shares a checkpoint with projects.</summary>
    [Cmdlet(VerbsSecurity.Grant, "FineTuningCheckpointPermission", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuningCheckpointPermission))]
    public sealed class GrantFineTuningCheckpointPermissionCommand : CheckpointPermissionCommand
    {
        /// <summary>Checkpoint or fine-tuned model names, or checkpoint, model and job objects.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("FineTunedModelCheckpoint")]
        [ValidateNotNullOrEmpty]
        public object[] Checkpoint { get; set; } = Array.Empty<object>();

        /// <summary>The projects to share with (<c>proj_...</c>).</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] ProjectId { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var projects = ProjectId.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (projects.Count == 0)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(new ParameterValidationException("ProjectId", "-ProjectId needs at least one project id (proj_...)."), ProjectId, Noun));
            }
            var client = Client;
            foreach (var item in Checkpoint)
            {
                var name = NameOf(item, out _);
                if (name is null) continue;
                if (!ShouldProcess(name, $"Share with {string.Join(", ", projects)}")) continue;
                if (TryRun(ct => client.CreateCheckpointPermissionsAsync(name, projects, ct), name, out var created))
                {
                    foreach (var permission in created) WriteObject(permission);
                }
            }
        }
    }

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
            if (TryRun(ct => client.DeleteCheckpointPermissionAsync(name, Id, ct), Id, out var result) && PassThru) WriteObject(result);
        }
    }
}
