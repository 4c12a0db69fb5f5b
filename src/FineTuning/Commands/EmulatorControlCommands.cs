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
            var connection = Connection ?? Emulator?.Connection ?? ModuleSession.Connection ?? ModuleSession.Emulator?.Connection;
            if (connection is null)
            {
                try
                {
                    connection = ModuleSession.FromEnvironment();
                }
                catch (Exception ex)
                {
                    ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
                }
            }
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

    /// <summary>Add-FineTuningEmulatorFault: makes the emulator fail requests or a job on purpose.</summary>
    [Cmdlet(VerbsCommon.Add, "FineTuningEmulatorFault", DefaultParameterSetName = RequestSet)]
    public sealed class AddFineTuningEmulatorFaultCommand : EmulatorControlCommand
    {
        private const string RequestSet = "Request";
        private const string JobSet = "Job";

        /// <summary>The HTTP status to answer with (e.g. 429, 500, 503); 0 keeps the real answer (with -LatencyMs).</summary>
        [Parameter(ParameterSetName = RequestSet, Position = 0)]
        [ValidateRange(0, 599)]
        public int StatusCode { get; set; } = 500;

        /// <summary>How many matching requests get the fault.</summary>
        [Parameter(ParameterSetName = RequestSet)]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; } = 1;

        /// <summary>Only requests with this method (GET, POST, DELETE).</summary>
        [Parameter(ParameterSetName = RequestSet)]
        [ValidateSet("GET", "POST", "DELETE")]
        public string? Method { get; set; }

        /// <summary>Only requests whose path contains this text, or matches it with * wildcards.</summary>
        [Parameter(ParameterSetName = RequestSet)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>The body to send instead of the service's error envelope.</summary>
        [Parameter(ParameterSetName = RequestSet)]
        [ValidateNotNull]
        public string? Body { get; set; }

        [Parameter(ParameterSetName = RequestSet)]
        [ValidateRange(0, 3600)]
        public double RetryAfterSec { get; set; } = -1;

        [Parameter(ParameterSetName = RequestSet)]
        [ValidateRange(0, 600000)]
        public int LatencyMs { get; set; }

        /// <summary>Cut the connection instead of answering.</summary>
        [Parameter(ParameterSetName = RequestSet)]
        public SwitchParameter DropConnection { get; set; }

        /// <summary>Fail a job at a step instead: the job id, or omit it for the next job created.</summary>
        [Parameter(ParameterSetName = JobSet)]
        [ValidateNotNullOrEmpty]
        public string? JobId { get; set; }

        [Parameter(ParameterSetName = JobSet, Mandatory = true)]
        [ValidateRange(1, int.MaxValue)]
        public int FailAtStep { get; set; }

        [Parameter(ParameterSetName = JobSet)]
        [ValidateNotNullOrEmpty]
        public string ErrorCode { get; set; } = "server_error";

        [Parameter(ParameterSetName = JobSet)]
        [ValidateNotNullOrEmpty]
        public string ErrorMessage { get; set; } = "The job failed due to an internal error.";

        protected override void ProcessRecord()
        {
            if (ParameterSetName == JobSet)
            {
                var pendingJobs = Control((client, ct) => EmulatorControl.FailJobAtStepAsync(client, JobId, FailAtStep, ErrorCode, ErrorMessage, ct),
                    JobId, "InvalidFault");
                WriteVerbose($"{JobId ?? "The next job"} will fail at step {FailAtStep} with {ErrorCode} ({pendingJobs} fault(s) pending).");
                return;
            }
            var fault = new EmulatorFault
            {
                StatusCode = StatusCode,
                Count = Count,
                Method = Method,
                Path = Path,
                Body = Body,
                DropConnection = DropConnection.IsPresent,
            };
            if (RetryAfterSec >= 0) fault.RetryAfter = TimeSpan.FromSeconds(RetryAfterSec);
            if (LatencyMs > 0) fault.Latency = TimeSpan.FromMilliseconds(LatencyMs);
            var pending = Control((client, ct) => EmulatorControl.AddFaultAsync(client, fault, ct), fault, "InvalidFault");
            WriteVerbose($"Fault planted ({pending} pending).");
        }
    }

    /// <summary>Clear-FineTuningEmulatorFault: removes every pending fault.</summary>
    [Cmdlet(VerbsCommon.Clear, "FineTuningEmulatorFault")]
    public sealed class ClearFineTuningEmulatorFaultCommand : EmulatorControlCommand
    {
        protected override void ProcessRecord() =>
            Control(async (client, ct) =>
            {
                await EmulatorControl.ClearFaultsAsync(client, ct).ConfigureAwait(false);
                return true;
            }, null, "InvalidFault");
    }

    /// <summary>Step-FineTuningEmulatorClock: moves the emulator's virtual clock forward.</summary>
    [Cmdlet(VerbsCommon.Step, "FineTuningEmulatorClock")]
    [OutputType(typeof(DateTimeOffset))]
    public sealed class StepFineTuningEmulatorClockCommand : EmulatorControlCommand
    {
        /// <summary>How far to move the clock, e.g. (New-TimeSpan -Minutes 30) or '00:30:00'.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public TimeSpan By { get; set; }

        [Parameter] public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (By < TimeSpan.Zero)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(By), By, "-By must not be negative: the clock only moves forward."),
                    "InvalidBy", ErrorCategory.InvalidArgument, By));
            }
            var now = Control((client, ct) => EmulatorControl.AdvanceClockAsync(client, By, ct), By, "InvalidBy");
            if (PassThru) WriteObject(now);
        }
    }
}
