using System.Management.Automation;

namespace FineTuning.Commands
{
    /// <summary>Disconnect-FineTuningService: forgets the session's connection.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "FineTuningService")]
    public sealed class DisconnectFineTuningServiceCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            var connection = ModuleSession.Connection;
            ModuleSession.Connection = null;
            if (connection != null)
            {
                // Not disposed: the user may still hold it (-PassThru) and pass it with -Connection.
                WriteVerbose($"Disconnected from {connection.BaseUri}.");
            }
        }
    }
}
