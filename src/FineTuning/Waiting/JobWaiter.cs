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
    /// Polls jobs until they reach a final state, with progress; shared by Wait-FineTuningJob, New-FineTuningJob -Wait
    /// and the background jobs of -AsJob. Several jobs are polled together, one list request per round where it holds
    /// them all, at the pace of a <see cref="PollSchedule"/>. A timeout bounds the whole wait, the requests it makes
    /// and their retries included.
    /// <para>
    /// What it writes, for each job: the job as last seen, always (in the order the jobs end); a failed job is also a
    /// JobFailed error; a cancelled job is also a warning (someone chose to cancel it; it is not a failure of the wait);
    /// a job still unfinished when the timeout passes is also a WaitTimeout error.
    /// </para>
    /// </summary>
    internal sealed class JobWaiter
    {
        private static int _nextActivityId = 100;

        private readonly IJobWaitHost _host;
        private readonly FineTuningClient _client;
        private readonly TimeSpan? _timeout;
        private readonly TimeSpan _firstInterval;
        private readonly TimeSpan _maxInterval;
        private readonly System.Diagnostics.Stopwatch _clock = new System.Diagnostics.Stopwatch();

        /// <summary>
        /// Ctrl+C ended a wait, not the job. The pipeline's streams are closed by then, so the note goes straight to the
        /// host, where the person who pressed Ctrl+C reads it.
        /// </summary>
        public static void StoppedWaiting(System.Management.Automation.Host.PSHost? host, string jobId)
        {
            try
            {
                host?.UI?.WriteWarningLine(SafeStreams.Text(StoppedWaitingMessage(jobId)));
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                // A host without a console: the id is still in the information stream.
            }
        }

        internal static string StoppedWaitingMessage(string jobId) =>
            $"Stopped waiting; fine-tuning job {jobId} goes on running (and is billed). " +
            $"Wait again: Wait-FineTuningJob {jobId}. Cancel it: Stop-FineTuningJob {jobId}.";

        public JobWaiter(IJobWaitHost host, FineTuningClient client, TimeSpan? timeout, TimeSpan firstInterval)
        {
            _host = host;
            _client = client;
            _timeout = timeout;
            _firstInterval = firstInterval;
            // A local emulator finishes jobs in seconds: polling it slowly would only add waiting.
            _maxInterval = client.Connection.Kind == ServiceKind.Emulator || client.Connection.InProcess
                ? TimeSpan.FromSeconds(Math.Max(1, firstInterval.TotalSeconds))
                : TimeSpan.FromSeconds(Math.Max(60, firstInterval.TotalSeconds));
        }

        public void WaitAndWrite(string jobId) => WaitAndWrite(new[] { jobId });

        /// <summary>Waits for the jobs together and writes each as it ends (see the class summary for what is written).</summary>
        public void WaitAndWrite(IReadOnlyList<string> jobIds)
        {
            _clock.Restart();
            var pending = jobIds.Distinct(StringComparer.Ordinal).ToList();
            var last = new Dictionary<string, FineTuningJob>(StringComparer.Ordinal);
            var activities = pending.ToDictionary(id => id, id => Interlocked.Increment(ref _nextActivityId), StringComparer.Ordinal);
            var schedule = new PollSchedule(_firstInterval, _maxInterval);
            var started = DateTime.UtcNow;
            try
            {
                while (pending.Count > 0)
                {
                    // One round: the list page first when several jobs are waited for, then a GET for each job it did not hold.
                    IReadOnlyDictionary<string, FineTuningJob>? batch = null;
                    if (pending.Count > 1)
                    {
                        var listed = TryCall(ct => JobBatch.FromListAsync(_client, pending, ct), null, report: false, out batch);
                        if (listed == Outcome.Deadline) break;
                    }
                    foreach (var id in pending.ToList())
                    {
                        if (batch is null || !batch.TryGetValue(id, out var job))
                        {
                            var got = TryCall(ct => _client.Jobs.GetAsync(id, ct), id, report: true, out job);
                            if (got == Outcome.Deadline) goto timedOut;
                            if (got == Outcome.Failed)
                            {
                                pending.Remove(id);
                                Complete(activities, id);
                                continue;
                            }
                        }
                        last[id] = job;
                        _host.Seen(job);
                        if (JobStatus.IsFinal(job.Status))
                        {
                            pending.Remove(id);
                            Complete(activities, id);
                            WriteFinal(job);
                            continue;
                        }
                        if (_host.ProgressWanted)
                        {
                            var metrics = LatestMetrics(id, out var expired);
                            if (expired) goto timedOut;
                            _host.WriteProgress(Progress(activities[id], id, job, metrics, started));
                        }
                    }
                    if (pending.Count == 0) break;

                    var left = Left();
                    if (left <= TimeSpan.Zero) break;
                    var soonest = pending.Select(id => last.TryGetValue(id, out var j) ? j.EstimatedFinish : null)
                        .Where(f => f.HasValue).DefaultIfEmpty().Min();
                    var sleep = schedule.Next(DateTimeOffset.UtcNow, soonest);
                    _host.Sleep(left < sleep ? left : sleep);
                }
            timedOut:
                foreach (var id in pending)
                {
                    last.TryGetValue(id, out var job);
                    var seconds = _timeout.GetValueOrDefault().TotalSeconds;
                    var message = job is null
                        ? $"No answer about job {id} came within {seconds:0.#} s; the job itself is not affected. Run Wait-FineTuningJob again to keep waiting."
                        : $"Job {id} was still '{job.Status}' after {seconds:0.#} s; it goes on running. Run Wait-FineTuningJob again to keep waiting.";
                    _host.WriteError(new ErrorRecord(new TimeoutException(message), "WaitTimeout", ErrorCategory.OperationTimeout, id));
                    if (job != null) _host.WriteObject(job);
                }
            }
            finally
            {
                foreach (var id in activities.Keys.ToList()) Complete(activities, id);
            }
        }

        private void WriteFinal(FineTuningJob job)
        {
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
                _host.WriteWarning($"Job {job.Id} was cancelled.");
            }
            _host.WriteObject(job);
        }

        private void Complete(Dictionary<string, int> activities, string id)
        {
            if (!activities.TryGetValue(id, out var activityId)) return;
            activities.Remove(id);
            _host.WriteProgress(new ProgressRecord(activityId, Activity(id), "Done") { RecordType = ProgressRecordType.Completed });
        }

        private static string Activity(string jobId) => $"Waiting for fine-tuning job {jobId}";

        /// <summary>What is left of the timeout (the longest span when there is none).</summary>
        private TimeSpan Left() => _timeout.HasValue ? _timeout.Value - _clock.Elapsed : TimeSpan.MaxValue;

        private enum Outcome { Done, Failed, Deadline }

        /// <summary>
        /// Runs a call bounded by what is left of the timeout. A failure is written as an error for
        /// <paramref name="target"/> when <paramref name="report"/> is set; a stop request is thrown.
        /// </summary>
        private Outcome TryCall<T>(Func<CancellationToken, Task<T>> work, object? target, bool report, out T result)
        {
            result = default!;
            var bounded = work;
            if (_timeout.HasValue)
            {
                bounded = async ct =>
                {
                    var left = Left();
                    if (left <= TimeSpan.Zero) throw new DeadlineException();
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    deadline.CancelAfter(left);
                    try
                    {
                        return await work(deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        throw new DeadlineException();
                    }
                };
            }
            try
            {
                result = _host.Run(bounded);
                return Outcome.Done;
            }
            catch (DeadlineException)
            {
                return Outcome.Deadline;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && !(ex is OperationCanceledException))
            {
                if (report) _host.WriteError(ErrorMapping.ToErrorRecord(ex, target, "Job"));
                return Outcome.Failed;
            }
        }

        private StepMetrics? LatestMetrics(string jobId, out bool expired)
        {
            // Progress is a courtesy: a failed events call does not end the wait.
            var outcome = TryCall(ct => _client.Jobs.ListEventsAsync(jobId, null, 10, ct), jobId, report: false, out var page);
            expired = outcome == Outcome.Deadline;
            return outcome == Outcome.Done ? page.Data.Select(e => e.Metrics).FirstOrDefault(m => m != null) : null;
        }

        private static ProgressRecord Progress(int id, string jobId, FineTuningJob job, StepMetrics? metrics, DateTime started)
        {
            var status = $"Status: {job.Status}";
            var record = new ProgressRecord(id, Activity(jobId), status);
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

        /// <summary>The timeout ended a call: not a failure of the service, so it is reported as the wait's timeout.</summary>
        private sealed class DeadlineException : Exception
        {
        }
    }
}
