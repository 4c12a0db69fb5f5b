using System;
using System.Management.Automation;
using FineTuning.Emulator;

namespace FineTuning.Commands
{
    /// <summary>Shared lookup of the emulator a control cmdlet acts on.</summary>
    public abstract class EmulatorControlCommand : PSCmdlet
    {
        /// <summary>The emulator to act on; default: the one Start-FineTuningEmulator started.</summary>
        [Parameter(ValueFromPipeline = true)]
        [ValidateNotNull]
        public EmulatorSession? Emulator { get; set; }

        protected EmulatorSession Target()
        {
            var session = Emulator ?? ModuleSession.Emulator;
            if (session is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("No emulator is running. Start one with Start-FineTuningEmulator."),
                    "NoEmulator", ErrorCategory.ObjectNotFound, null));
            }
            return session!;
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
            var session = Target();
            if (ParameterSetName == JobSet)
            {
                session.Emulator.Faults.FailJobAtStep(JobId, FailAtStep, ErrorCode, ErrorMessage);
                WriteVerbose($"{JobId ?? "The next job"} will fail at step {FailAtStep} with {ErrorCode}.");
                return;
            }
            var rule = new FaultRule
            {
                StatusCode = StatusCode,
                Count = Count,
                Method = Method,
                PathPattern = Path,
                Body = Body,
                DropConnection = DropConnection.IsPresent,
            };
            if (RetryAfterSec >= 0) rule.RetryAfter = TimeSpan.FromSeconds(RetryAfterSec);
            if (LatencyMs > 0) rule.Latency = TimeSpan.FromMilliseconds(LatencyMs);
            try
            {
                session.Emulator.Faults.Add(rule);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidFault", ErrorCategory.InvalidArgument, rule));
            }
        }
    }

    /// <summary>Clear-FineTuningEmulatorFault: removes every pending fault.</summary>
    [Cmdlet(VerbsCommon.Clear, "FineTuningEmulatorFault")]
    public sealed class ClearFineTuningEmulatorFaultCommand : EmulatorControlCommand
    {
        protected override void ProcessRecord() => Target().Emulator.Faults.Clear();
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
            var clock = Target().Emulator.Clock;
            clock.Advance(By);
            if (PassThru) WriteObject(clock.Now);
        }
    }
}
