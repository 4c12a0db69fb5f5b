using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// Base of every cmdlet that talks to the service. It resolves the connection, runs the core
    /// library's asynchronous calls off the pipeline thread while relaying their verbose, warning,
    /// debug and progress messages back to it, cancels them on Ctrl+C, and maps failures to ErrorRecords.
    /// </summary>
    public abstract class FineTuningCmdlet : PSCmdlet, IJobWaitHost
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private MessagePump? _pump;

        /// <summary>The connection to use instead of the session's.</summary>
        [Parameter]
        [ValidateNotNull]
        public FineTuningConnection? Connection { get; set; }

        protected CancellationToken StopToken => _stop.Token;

        /// <summary>What error ids call the targets of this cmdlet (Job, File...).</summary>
        protected virtual string Noun => "Object";

        private FineTuningConnection? _resolved;

        /// <summary>The connection in force: -Connection, then the session's, then the environment's.</summary>
        protected FineTuningConnection ResolveConnection()
        {
            if (_resolved != null) return _resolved;
            var connection = Connection ?? ModuleSession.Connection ?? EnvironmentConnection(this, Noun);
            if (connection is null)
            {
                ThrowTerminatingError(NoConnectionError());
            }
            return _resolved = connection!;
        }

        /// <summary>
        /// The connection the environment variables describe, or null when they describe none; variables that are
        /// set but unusable stop the cmdlet with their error.
        /// </summary>
        internal static FineTuningConnection? EnvironmentConnection(PSCmdlet cmdlet, string noun)
        {
            try
            {
                return ModuleSession.FromEnvironment();
            }
            catch (Exception ex)
            {
                cmdlet.ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, noun));
                return null;
            }
        }

        private const string NoConnectionMessage =
            "There is no connection to a fine-tuning service. Run Connect-FineTuningService (OpenAI, Azure OpenAI " +
            "or a compatible URL), Start-FineTuningEmulator (a local emulator), or set OPENAI_API_KEY or " +
            "AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY.";

        internal static ErrorRecord NoConnectionError() =>
            new ErrorRecord(new FineTuningConnectionException(NoConnectionMessage), "NoConnection", ErrorCategory.ConnectionError, null)
            {
                ErrorDetails = new ErrorDetails(NoConnectionMessage)
                {
                    RecommendedAction = "Run Connect-FineTuningService or Start-FineTuningEmulator, or set OPENAI_API_KEY.",
                },
            };

        protected FineTuningClient Client => ResolveConnection().Client;

        /// <summary>
        /// Runs an asynchronous call of the core library and waits for it on the pipeline thread, writing the
        /// messages it produces as they come. Failures surface as exceptions; use <see cref="TryRun{T}"/> to
        /// turn them into non-terminating errors.
        /// </summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            var pump = new MessagePump();
            var log = new RelayLog(pump, this, VerboseWanted, DebugWanted);
            _pump = pump;
            try
            {
                // The call starts on this thread with the log in its execution context; its continuations run
                // on the thread pool (a pipeline thread has no synchronization context) and carry the log along.
                Task<T> task;
                var previous = ClientLog.Current;
                ClientLog.Current = log;
                try
                {
                    task = work(_stop.Token);
                }
                finally
                {
                    ClientLog.Current = previous;
                }
                if (!task.IsCompleted)
                {
                    task.ContinueWith(_ => pump.Signal(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    while (!task.IsCompleted)
                    {
                        pump.WaitAndDrain();
                    }
                }
                pump.Drain();
                try
                {
                    return task.GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
            }
            finally
            {
                _pump = null;
            }
        }

        private bool? _progressWanted;

        /// <summary>Whether progress records would be shown (-ProgressAction, else $ProgressPreference).</summary>
        internal bool ProgressWanted => _progressWanted ??= ProgressShown();

        private bool ProgressShown()
        {
            object? value = MyInvocation.BoundParameters.TryGetValue("ProgressAction", out var bound) ? bound : GetVariableValue("ProgressPreference");
            if (value is PSObject ps) value = ps.BaseObject;
            return !(value is ActionPreference ap) || (ap != ActionPreference.SilentlyContinue && ap != ActionPreference.Ignore);
        }

        private bool? _verboseWanted;
        private bool? _debugWanted;

        internal bool VerboseWanted => _verboseWanted ??= Wanted("Verbose", "VerbosePreference");
        internal bool DebugWanted => _debugWanted ??= Wanted("Debug", "DebugPreference");

        /// <summary>Whether a stream's messages would be shown or recorded, so the client skips building the rest.</summary>
        private bool Wanted(string parameter, string preference)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out var bound) && bound is SwitchParameter flag) return flag.IsPresent;
            var value = GetVariableValue(preference);
            if (value is PSObject ps) value = ps.BaseObject;
            return !(value is ActionPreference ap) || (ap != ActionPreference.SilentlyContinue && ap != ActionPreference.Ignore);
        }

        /// <summary>Runs a call; on failure writes a non-terminating error for <paramref name="target"/> and returns false.</summary>
        protected bool TryRun<T>(Func<CancellationToken, Task<T>> work, object? target, out T result) =>
            TryRunCore(work, target, jobChange: false, out result);

        private bool TryRunCore<T>(Func<CancellationToken, Task<T>> work, object? target, bool jobChange, out T result)
        {
            try
            {
                result = Run(work);
                return true;
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                var record = ErrorMapping.ToErrorRecord(ex, target, Noun);
                if (jobChange && ex is FineTuningServiceException service && service.Kind == ServiceErrorKind.BadRequest && service.Param is null)
                    record = new ErrorRecord(record.Exception, "InvalidJobState", ErrorCategory.InvalidOperation, target) { ErrorDetails = record.ErrorDetails };
                WriteError(Explain(ex, record));
                result = default!;
                return false;
            }
        }

        /// <summary>What a cmdlet adds to the error of a failed call (a suggestion, say); the record as it is by default.</summary>
        protected virtual ErrorRecord Explain(Exception exception, ErrorRecord record) => record;

        /// <summary>
        /// Runs a call that changes a job (cancel, pause, resume, delete) like <see cref="TryRun{T}"/>, except that the service's
        /// 400 without a parameter, which means the job's state does not allow the change (resume a running job, delete an
        /// unfinished one), is an InvalidJobState error.
        /// </summary>
        protected bool TryRunJobChange<T>(Func<CancellationToken, Task<T>> work, string jobId, out T result) =>
            TryRunCore(work, jobId, jobChange: true, out result);

        /// <summary>Runs a call; on failure stops the cmdlet with a terminating error.</summary>
        protected T RunOrThrow<T>(Func<CancellationToken, Task<T>> work, object? target)
        {
            try
            {
                return Run(work);
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, target, Noun));
                throw; // not reached
            }
        }

        /// <summary>
        /// ShouldProcess, except that <paramref name="force"/> skips the confirmation prompt; -WhatIf still only reports.
        /// </summary>
        protected bool ShouldProcessUnlessForced(bool force, string target, string action)
        {
            var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter s && s.IsPresent;
            if (force && !whatIf) return true;
            return ShouldProcess(target, action);
        }

        /// <summary>Queues an action for the pipeline thread; safe to call from the asynchronous work.</summary>
        protected void Post(Action action)
        {
            _pump?.Post(action);
        }

        /// <summary>Writes every item of a paged list as its pages arrive.</summary>
        protected void WritePages<T>(Pager<T> pager, object? target)
        {
            while (!pager.Done)
            {
                if (!TryRun(ct => pager.NextAsync(ct), target, out var items)) return;
                foreach (var item in items) WriteObject(item);
            }
            if (pager.StoppedEarly != null) WriteWarning(pager.StoppedEarly);
        }

        /// <summary>Lists with -First and -Skip, page by page (pages no larger than needed, at most <paramref name="maxPage"/>).</summary>
        protected void WriteList<T>(Func<string?, int?, CancellationToken, Task<ListPage<T>>> fetch, Func<T, string> idOf, int first, int skip, int maxPage, object? target)
        {
            if (first == 0) return;
            var pageSize = first == int.MaxValue ? Math.Min(maxPage, 100) : (int)Math.Max(1, Math.Min(maxPage, (long)first + skip));
            WritePages(new Pager<T>(fetch, idOf, pageSize, skip, first == int.MaxValue ? (long?)null : first), target);
        }

        /// <summary>Sleeps on the pipeline thread; Ctrl+C ends the sleep.</summary>
        protected void Sleep(TimeSpan interval)
        {
            if (_stop.Token.WaitHandle.WaitOne(interval)) throw new PipelineStoppedException();
        }

        // Every message a FineTuning cmdlet writes may quote the service (an error message, a status, an id): these
        // hide Cmdlet's own writers so that each one passes through SafeStreams (secrets masked, control characters
        // replaced) on its way to the terminal.
        public new void WriteVerbose(string text) => base.WriteVerbose(SafeStreams.Text(text));
        public new void WriteDebug(string text) => base.WriteDebug(SafeStreams.Text(text));
        public new void WriteWarning(string text) => base.WriteWarning(SafeStreams.Text(text));
        public new void WriteError(ErrorRecord errorRecord) => base.WriteError(SafeStreams.Record(errorRecord));
        public new void WriteProgress(ProgressRecord progressRecord) => base.WriteProgress(SafeStreams.Progress(progressRecord));
        public new void ThrowTerminatingError(ErrorRecord errorRecord) => base.ThrowTerminatingError(SafeStreams.Record(errorRecord));
        public new bool ShouldProcess(string target, string action) => base.ShouldProcess(SafeStreams.Text(target), SafeStreams.Text(action));

        T IJobWaitHost.Run<T>(Func<CancellationToken, Task<T>> work) => Run(work);
        bool IJobWaitHost.ProgressWanted => ProgressWanted;
        void IJobWaitHost.Seen(FineTuningJob job) { }
        void IJobWaitHost.WriteWarning(string message) => WriteWarning(message);
        void IJobWaitHost.Sleep(TimeSpan interval) => Sleep(interval);
        void IJobWaitHost.WriteObject(object value) => WriteObject(value);
        void IJobWaitHost.WriteError(ErrorRecord record) => WriteError(record);
        void IJobWaitHost.WriteProgress(ProgressRecord record) => WriteProgress(record);

        protected override void StopProcessing()
        {
            _stop.Cancel();
        }
    }
}
