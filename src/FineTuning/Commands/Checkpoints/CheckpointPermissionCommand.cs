namespace FineTuning.Commands
{
    /// <summary>Shared input of the checkpoint permission cmdlets: the checkpoint as a name or an object.</summary>
    public abstract class CheckpointPermissionCommand : ModelCommand
    {
        protected override string Noun => "Checkpoint";
        protected override string InvalidItemErrorId => "InvalidCheckpoint";
    }
}
