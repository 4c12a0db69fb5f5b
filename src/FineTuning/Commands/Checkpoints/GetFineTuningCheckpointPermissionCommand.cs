using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
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
                WriteList((after, limit, ct) => client.Permissions.ListAsync(name, ProjectId, after, limit, null, ct), p => p.Id, First, Skip, 100, name);
            }
        }
    }
}
