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
            FineTuningConnection? connection = ModuleSession.Connection;
            if (connection is null)
            {
                try
                {
                    connection = ModuleSession.FromEnvironment();
                }
                catch (Exception ex)
                {
                    ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, "Connection"));
                }
            }
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
