using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// Where a <see cref="JobWaiter"/> runs and reports: a cmdlet on its pipeline thread, or a background job
    /// (<see cref="FineTuningWaitJob"/>) whose streams Receive-Job reads.
    /// </summary>
    internal interface IJobWaitHost
    {
        /// <summary>Runs a call; failures are thrown. A stop request (Ctrl+C, Stop-Job) ends it with an exception.</summary>
        T Run<T>(Func<CancellationToken, Task<T>> work);

        void WriteObject(object value);
        void WriteError(ErrorRecord record);
        void WriteWarning(string message);
        void WriteProgress(ProgressRecord record);

        /// <summary>Whether progress is shown or kept; when not, the waiter skips the calls that only feed it.</summary>
        bool ProgressWanted { get; }

        /// <summary>The latest state seen of a job waited for.</summary>
        void Seen(FineTuningJob job);

        /// <summary>Waits; a stop request (Ctrl+C, Stop-Job) ends the wait with an exception.</summary>
        void Sleep(TimeSpan interval);
    }
}
