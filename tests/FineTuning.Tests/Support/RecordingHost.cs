using System.Collections.Concurrent;
using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Commands;

namespace FineTuning.Tests;

/// <summary>
/// Where a <see cref="JobWaiter"/> writes in the tests: every stream kept in order, calls run at once, and sleeps
/// recorded (and slept for real only when <see cref="RealSleep"/> is set, for the deadline tests).
/// </summary>
internal sealed class RecordingHost : IJobWaitHost
{
    public List<object> Objects { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<ProgressRecord> Progress { get; } = new();
    public List<TimeSpan> Sleeps { get; } = new();
    public List<string> Seen { get; } = new();

    /// <summary>Everything written, in order: "object ftjob-a", "error JobFailed", "warning ...".</summary>
    public List<string> Log { get; } = new();

    public bool ProgressWanted { get; set; }
    public bool RealSleep { get; set; }

    public T Run<T>(Func<CancellationToken, Task<T>> work) => work(CancellationToken.None).GetAwaiter().GetResult();

    public void WriteObject(object value)
    {
        Objects.Add(value);
        Log.Add("object " + ((value as FineTuningJob)?.Id ?? value.ToString()));
    }

    public void WriteError(ErrorRecord record)
    {
        Errors.Add(record);
        Log.Add("error " + record.FullyQualifiedErrorId);
    }

    public void WriteWarning(string message)
    {
        Warnings.Add(message);
        Log.Add("warning " + message);
    }

    public void WriteProgress(ProgressRecord record) => Progress.Add(record);

    void IJobWaitHost.Seen(FineTuningJob job) => Seen.Add(job.Id + " " + job.Status);

    public void Sleep(TimeSpan interval)
    {
        Sleeps.Add(interval);
        if (RealSleep) Thread.Sleep(interval);
    }
}
