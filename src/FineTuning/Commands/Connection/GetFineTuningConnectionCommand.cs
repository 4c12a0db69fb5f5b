using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Get-FineTuningConnection: shows the connection cmdlets will use.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningConnection")]
    [OutputType(typeof(FineTuningConnection))]
    public sealed class GetFineTuningConnectionCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            var connection = ModuleSession.Connection ?? FineTuningCmdlet.EnvironmentConnection(this, "Connection");
            if (connection is null)
            {
                var record = FineTuningCmdlet.NoConnectionError();
                WriteError(new ErrorRecord(record.Exception, "NoConnection", ErrorCategory.ObjectNotFound, null) { ErrorDetails = record.ErrorDetails });
                return;
            }
            WriteObject(connection);
        }
    }
}
