using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// Base of the emulator's control cmdlets. They act only through the emulator's HTTP control paths, like any
    /// other client, so they drive an emulator in this process, in another session or the stand-alone host alike.
    /// </summary>
    public abstract class EmulatorControlCommand : FineTuningCmdlet
    {
        /// <summary>The emulator to act on, as Start-FineTuningEmulator wrote it; its connection is used.</summary>
        [Parameter(ValueFromPipeline = true)]
        [ValidateNotNull]
        public EmulatorSession? Emulator { get; set; }

        protected override string Noun => "Emulator";

        /// <summary>
        /// The connection to act on: -Connection, then -Emulator's, then the session's connection (or, when there is
        /// none, the session's emulator), then the environment's.
        /// </summary>
        protected FineTuningClient Target()
        {
            if (Connection != null && Emulator != null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Pass either -Connection or -Emulator, not both."),
                    "AmbiguousEmulator", ErrorCategory.InvalidArgument, Emulator));
            var connection = Connection ?? Emulator?.Connection ?? ModuleSession.Connection ?? ModuleSession.Emulator?.Connection
                ?? EnvironmentConnection(this, Noun);
            if (connection is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("No emulator is running and there is no connection to one. Start one with Start-FineTuningEmulator, or pass -Connection."),
                    "NoEmulator", ErrorCategory.ObjectNotFound, null)
                {
                    ErrorDetails = new ErrorDetails("No emulator is running and there is no connection to one. Start one with Start-FineTuningEmulator, or pass -Connection.")
                    {
                        RecommendedAction = "Start-FineTuningEmulator, or Connect-FineTuningService -BaseUri http://127.0.0.1:<port>/v1 for an emulator in another process.",
                    },
                });
            }
            return connection!.Client;
        }

        /// <summary>Runs a control call; failures stop the cmdlet with an ErrorRecord that says what went wrong.</summary>
        protected T Control<T>(Func<FineTuningClient, CancellationToken, Task<T>> work, object? target, string invalidId)
        {
            var client = Target();
            try
            {
                return Run(ct => work(client, ct));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (NotAnEmulatorException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "NotAnEmulator", ErrorCategory.InvalidOperation, client.Connection.BaseUri)
                {
                    ErrorDetails = new ErrorDetails(ex.Message)
                    {
                        RecommendedAction = "Pass -Connection with a connection to the emulator (Start-FineTuningEmulator writes one; for another process: Connect-FineTuningService -BaseUri http://127.0.0.1:<port>/v1 -PassThru).",
                    },
                });
            }
            catch (FineTuningServiceException ex) when (ex.Kind == ServiceErrorKind.BadRequest)
            {
                var record = ErrorMapping.ToErrorRecord(ex, target, Noun);
                ThrowTerminatingError(new ErrorRecord(record.Exception, invalidId, ErrorCategory.InvalidArgument, target) { ErrorDetails = record.ErrorDetails });
            }
            catch (Exception ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, target, Noun));
            }
            throw new InvalidOperationException("Not reached.");
        }
    }
}
