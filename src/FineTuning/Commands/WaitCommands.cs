using System;
using System.Collections.Generic;
using System.Linq;
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
        /// <summary>Runs a call; on failure reports a non-terminating error for <paramref name="target"/> and returns false.</summary>
        bool TryRun<T>(Func<CancellationToken, Task<T>> work, object? target, out T result);

        /// <summary>Runs a call; failures are thrown.</summary>
        T Run<T>(Func<CancellationToken, Task<T>> work);

        void WriteObject(object value);
        void WriteError(ErrorRecord record);
        void WriteProgress(ProgressRecord record);

        /// <summary>Waits; a stop request (Ctrl+C, Stop-Job) ends the wait with an exception.</summary>
        void Sleep(TimeSpan interval);
    }

    /// <summary>
    /// Polls a job until it reaches a final state, with progress; shared by Wait-FineTuningJob, New-FineTuningJob -Wait
    /// and the background jobs of -AsJob.
    /// </summary>
    internal sealed class JobWaiter
    {
        private static int _nextActivityId = 100;

        private readonly IJobWaitHost _host;
        private readonly FineTuningClient _client;
        private readonly TimeSpan? _timeout;
        private readonly TimeSpan _firstInterval;
        private readonly TimeSpan _maxInterval;

        public JobWaiter(IJobWaitHost host, FineTuningClient client, TimeSpan? timeout, TimeSpan firstInterval)
        {
            _host = host;
            _client = client;
            _timeout = timeout;
            _firstInterval = firstInterval;
            // A local emulator finishes jobs in seconds: polling it slowly would only add waiting.
            _maxInterval = client.Connection.Kind == ServiceKind.Emulator || client.Connection.InProcess
                ? TimeSpan.FromSeconds(Math.Max(1, firstInterval.TotalSeconds))
                : TimeSpan.FromSeconds(30);
        }

        /// <summary>Waits for one job and writes it; failed, cancelled or timed-out jobs also get a non-terminating error.</summary>
        public void WaitAndWrite(string jobId)
        {
            var activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);
            var activity = $"Waiting for fine-tuning job {jobId}";
            var started = DateTime.UtcNow;
            var interval = _firstInterval;
            FineTuningJob? job = null;
            try
            {
                while (true)
                {
                    if (!_host.TryRun(ct => _client.GetJobAsync(jobId, ct), jobId, out job)) return;
                    if (JobStatus.IsFinal(job.Status)) break;

                    var metrics = LatestMetrics(jobId);
                    _host.WriteProgress(Progress(activityId, activity, job, metrics, started));

                    if (_timeout.HasValue && DateTime.UtcNow - started >= _timeout.Value)
                    {
                        _host.WriteError(new ErrorRecord(
                            new TimeoutException($"Job {jobId} was still '{job.Status}' after {_timeout.Value.TotalSeconds:0.#} s; it goes on running. Run Wait-FineTuningJob again to keep waiting."),
                            "WaitTimeout", ErrorCategory.OperationTimeout, jobId));
                        _host.WriteObject(job);
                        return;
                    }
                    var sleep = interval;
                    if (_timeout.HasValue)
                    {
                        var left = _timeout.Value - (DateTime.UtcNow - started);
                        if (left < sleep) sleep = left < TimeSpan.Zero ? TimeSpan.Zero : left;
                    }
                    _host.Sleep(sleep);
                    interval = TimeSpan.FromMilliseconds(Math.Min(_maxInterval.TotalMilliseconds, interval.TotalMilliseconds * 1.5));
                }
            }
            finally
            {
                _host.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            if (job.Status == JobStatus.Failed)
            {
                var code = job.Error?.Code ?? "unknown_error";
                var message = job.Error?.Message ?? "The service gave no reason.";
                _host.WriteError(new ErrorRecord(
                    new FineTuningJobFailedException(job, $"Job {job.Id} failed ({code}): {message}"),
                    "JobFailed", ErrorCategory.InvalidResult, job)
                { ErrorDetails = new ErrorDetails($"Job {job.Id} failed ({code}): {message}") });
            }
            else if (job.Status == JobStatus.Cancelled)
            {
                _host.WriteError(new ErrorRecord(
                    new FineTuningJobFailedException(job, $"Job {job.Id} was cancelled."),
                    "JobCancelled", ErrorCategory.OperationStopped, job));
            }
            _host.WriteObject(job);
        }

        private StepMetrics? LatestMetrics(string jobId)
        {
            try
            {
                var page = _host.Run(ct => _client.ListEventsAsync(jobId, null, 10, ct));
                return page.Data.Select(e => e.Metrics).FirstOrDefault(m => m != null);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && !(ex is OperationCanceledException))
            {
                return null; // progress is a courtesy: a failed events call must not end the wait
            }
        }

        private static ProgressRecord Progress(int id, string activity, FineTuningJob job, StepMetrics? metrics, DateTime started)
        {
            var status = $"Status: {job.Status}";
            var record = new ProgressRecord(id, activity, status);
            if (metrics?.Step is long step && metrics.TotalSteps is long total && total > 0)
            {
                record.StatusDescription = $"Status: {job.Status}, step {step} of {total}" +
                    (metrics.TrainLoss is double loss ? $", train loss {loss:0.####}" : string.Empty);
                record.PercentComplete = (int)Math.Min(100, step * 100 / total);
            }
            if (job.EstimatedFinish is DateTimeOffset finish)
            {
                var left = finish - DateTimeOffset.UtcNow;
                if (left > TimeSpan.Zero) record.SecondsRemaining = (int)Math.Min(int.MaxValue, left.TotalSeconds);
            }
            record.CurrentOperation = $"Elapsed {(DateTime.UtcNow - started):hh\\:mm\\:ss}";
            return record;
        }
    }

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

    /// <summary>Wait-FineTuningJob: waits for jobs to reach a final state.</summary>
    [Cmdlet(VerbsLifecycle.Wait, "FineTuningJob")]
    [OutputType(typeof(FineTuningJob))]
    [OutputType(typeof(FineTuningWaitJob))]
    public sealed class WaitFineTuningJobCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateRange(0.05, 3600)]
        public double PollIntervalSec { get; set; } = 1;

        /// <summary>Waits in a PowerShell background job (one per fine-tuning job) and returns at once.</summary>
        [Parameter] public SwitchParameter AsJob { get; set; }

        protected override string Noun => "Job";

        protected override void ProcessRecord()
        {
            var timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
            var interval = TimeSpan.FromSeconds(PollIntervalSec);
            if (AsJob)
            {
                foreach (var id in Id)
                {
                    WriteObject(FineTuningWaitJob.StartNew(this, "Wait-FineTuningJob " + id, id, Client, timeout, interval));
                }
                return;
            }
            var waiter = new JobWaiter(this, Client, timeout, interval);
            foreach (var id in Id) waiter.WaitAndWrite(id);
        }
    }

    /// <summary>Shared parameters of the cmdlets that list something of one job (events, checkpoints).</summary>
    public abstract class JobListCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; } = string.Empty;

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int First { get; set; } = int.MaxValue;

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Skip { get; set; }

        protected override string Noun => "Job";
    }

    /// <summary>Get-FineTuningEvent: lists a job's events, or follows them as they come.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningEvent")]
    [OutputType(typeof(FineTuningEvent))]
    public sealed class GetFineTuningEventCommand : JobListCommand
    {
        [Parameter] public SwitchParameter Follow { get; set; }

        [Parameter]
        [ValidateRange(0.05, 3600)]
        public double PollIntervalSec { get; set; } = 2;

        protected override void ProcessRecord()
        {
            var client = Client;
            var id = Id;
            if (!Follow)
            {
                WriteList((after, limit, ct) => client.ListEventsAsync(id, after, limit, ct), e => e.Id, First, Skip, 100, id);
                return;
            }

            // Follow: everything so far, oldest first, then whatever is new at each poll until the job is final.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var written = 0L;
            var skipped = 0L;
            while (true)
            {
                if (!TryRun(ct => client.GetJobAsync(id, ct), id, out var job)) return;
                var fresh = new List<FineTuningEvent>();
                var pager = new Pager<FineTuningEvent>((after, limit, ct) => client.ListEventsAsync(id, after, limit, ct), e => e.Id, 100);
                var reachedSeen = false;
                while (!pager.Done && !reachedSeen)
                {
                    if (!TryRun(ct => pager.NextAsync(ct), id, out var page)) return;
                    foreach (var e in page)
                    {
                        if (seen.Contains(e.Id)) { reachedSeen = true; break; }
                        fresh.Add(e);
                    }
                }
                for (var i = fresh.Count - 1; i >= 0; i--)
                {
                    seen.Add(fresh[i].Id);
                    if (skipped < Skip) { skipped++; continue; }
                    WriteObject(fresh[i]);
                    if (++written >= First) return;
                }
                if (JobStatus.IsFinal(job.Status)) return;
                Sleep(TimeSpan.FromSeconds(PollIntervalSec));
            }
        }
    }

    /// <summary>Get-FineTuningCheckpoint: lists the checkpoints a job kept.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningCheckpoint")]
    [OutputType(typeof(FineTuningCheckpoint))]
    public sealed class GetFineTuningCheckpointCommand : JobListCommand
    {
        protected override void ProcessRecord()
        {
            var client = Client;
            var id = Id;
            WriteList((after, limit, ct) => client.ListCheckpointsAsync(id, after, limit, ct), c => c.Id, First, Skip, 100, id);
        }
    }
}
