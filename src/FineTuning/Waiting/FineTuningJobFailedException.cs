using System;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>A job ended in failed or cancelled; carries the job and the service's error.</summary>
    public sealed class FineTuningJobFailedException : Exception
    {
        public FineTuningJobFailedException(FineTuningJob job, string message) : base(TerminalText.Safe(message))
        {
            Job = job;
        }

        public FineTuningJob Job { get; }
        public string? ErrorCode => Job.Error?.Code;
    }
}
