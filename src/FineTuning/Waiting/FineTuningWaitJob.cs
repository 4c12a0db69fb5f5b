using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// A PowerShell background job (Get-Job, Receive-Job, Wait-Job, Stop-Job) that waits for one fine-tuning job to reach
    /// a final state, made by Wait-FineTuningJob -AsJob and New-FineTuningJob -AsJob. Its output is the final job; a
    /// failed job is also an error in its error stream and a cancelled one a warning, as with Wait-FineTuningJob; its progress and (when the
    /// cmdlet was given -Verbose) the requests it made are in its other streams. It is named after the fine-tuning job.
    /// </summary>
    public sealed class FineTuningWaitJob : Job, IJobWaitHost
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly FineTuningClient _client;
        private readonly TimeSpan? _timeout;
        private readonly TimeSpan _interval;
        private readonly JobLog _log;
        private volatile string _status = string.Empty;

        internal FineTuningWaitJob(string command, string jobId, FineTuningClient client, TimeSpan? timeout, TimeSpan interval,
            bool verbose, bool debug)
            : base(command, jobId)
        {
            FineTuningJobId = jobId;
            _client = client;
            _timeout = timeout;
            _interval = interval;
            _log = new JobLog(this, verbose, debug);
            PSJobTypeName = "FineTuning";
            Location = client.Connection.InProcess ? "emulator (in process)" : client.Connection.BaseUri.ToString();
        }

        /// <summary>The id of the fine-tuning job this background job waits for.</summary>
        public string FineTuningJobId { get; }

        /// <summary>The fine-tuning job's status as last seen.</summary>
        public override string StatusMessage => _status;

        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0;

        public override string Location { get; }

        /// <summary>Makes the background job for one fine-tuning job, registers it with PowerShell's job list and starts it.</summary>
        internal static FineTuningWaitJob StartNew(FineTuningCmdlet cmdlet, string command, string jobId, FineTuningClient client,
            TimeSpan? timeout, TimeSpan interval)
        {
            var job = new FineTuningWaitJob(command, jobId, client, timeout, interval, cmdlet.VerboseWanted, cmdlet.DebugWanted);
            cmdlet.JobRepository.Add(job);
            job.Start();
            return job;
        }

        private void Start()
        {
            SetJobState(JobState.Running);
            var thread = new Thread(Body) { IsBackground = true, Name = "FineTuning wait " + FineTuningJobId };
            thread.Start();
        }

        private void Body()
        {
            try
            {
                new JobWaiter(this, _client, _timeout, _interval).WaitAndWrite(FineTuningJobId);
                SetJobState(_stop.IsCancellationRequested ? JobState.Stopped : JobState.Completed);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                SetJobState(JobState.Stopped);
            }
            catch (Exception ex)
            {
                Error.Add(ErrorMapping.ToErrorRecord(ex, FineTuningJobId, "Job"));
                SetJobState(JobState.Failed);
            }
        }

        /// <summary>Stop-Job: ends the wait (the fine-tuning job itself goes on; Stop-FineTuningJob cancels it).</summary>
        public override void StopJob()
        {
            if (IsFinished(JobStateInfo.State)) return;
            SetJobState(JobState.Stopping);
            _stop.Cancel();
            // The wait ends within one request; Stop-Job's caller sees the final state.
            Finished.WaitOne(TimeSpan.FromSeconds(10));
        }

        private static bool IsFinished(JobState state) =>
            state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _stop.Cancel();
                _stop.Dispose();
            }
            base.Dispose(disposing);
        }

        T IJobWaitHost.Run<T>(Func<CancellationToken, Task<T>> work)
        {
            var previous = ClientLog.Current;
            ClientLog.Current = _log;
            Task<T> task;
            try
            {
                task = work(_stop.Token);
            }
            finally
            {
                ClientLog.Current = previous;
            }
            return task.GetAwaiter().GetResult();
        }

        bool IJobWaitHost.ProgressWanted => true;

        void IJobWaitHost.Seen(FineTuningJob job) => _status = job.Status;

        void IJobWaitHost.WriteWarning(string message) => Warning.Add(new WarningRecord(SafeStreams.Text(message)));

        void IJobWaitHost.Sleep(TimeSpan interval)
        {
            if (_stop.Token.WaitHandle.WaitOne(interval)) throw new OperationCanceledException(_stop.Token);
        }

        void IJobWaitHost.WriteObject(object value) => Output.Add(PSObject.AsPSObject(value));
        void IJobWaitHost.WriteError(ErrorRecord record) => Error.Add(SafeStreams.Record(record));
        void IJobWaitHost.WriteProgress(ProgressRecord record) => Progress.Add(SafeStreams.Progress(record));

        /// <summary>The client's messages, kept in the job's streams when the cmdlet that made the job asked for them.</summary>
        private sealed class JobLog : IClientLog, IClientLogFilter
        {
            private readonly FineTuningWaitJob _job;

            public JobLog(FineTuningWaitJob job, bool verbose, bool debug)
            {
                _job = job;
                VerboseEnabled = verbose;
                DebugEnabled = debug;
            }

            public bool VerboseEnabled { get; }
            public bool DebugEnabled { get; }

            public void Verbose(string message)
            {
                if (VerboseEnabled) _job.Verbose.Add(new VerboseRecord(SafeStreams.Text(message)));
            }

            public void Debug(string message)
            {
                if (DebugEnabled) _job.Debug.Add(new DebugRecord(SafeStreams.Text(message)));
            }

            public void Warning(string message) => _job.Warning.Add(new WarningRecord(SafeStreams.Text(message)));
        }
    }
}
