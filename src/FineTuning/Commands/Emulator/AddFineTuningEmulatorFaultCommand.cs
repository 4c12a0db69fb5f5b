using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
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
                var pendingJobs = Control((client, ct) => client.Emulator.FailJobAtStepAsync(JobId, FailAtStep, ErrorCode, ErrorMessage, ct),
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
            var pending = Control((client, ct) => client.Emulator.AddFaultAsync(fault, ct), fault, "InvalidFault");
            WriteVerbose($"Fault planted ({pending} pending).");
        }
    }
}
