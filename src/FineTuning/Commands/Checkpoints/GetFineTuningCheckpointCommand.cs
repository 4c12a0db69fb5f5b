using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Get-FineTuningCheckpoint: lists the checkpoints a job kept.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningCheckpoint")]
    [OutputType(typeof(FineTuningCheckpoint))]
    public sealed class GetFineTuningCheckpointCommand : JobListCommand
    {
        protected override void ProcessRecord()
        {
            var client = Client;
            var id = Id;
            WriteList((after, limit, ct) => client.Jobs.ListCheckpointsAsync(id, after, limit, ct), c => c.Id, First, Skip, 100, id);
        }
    }
}
