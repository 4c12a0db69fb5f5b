using System;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
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
                if (TryRun(ct => client.Permissions.CreateAsync(name, projects, ct), name, out var created))
                {
                    foreach (var permission in created) WriteObject(permission);
                }
            }
        }
    }
}
