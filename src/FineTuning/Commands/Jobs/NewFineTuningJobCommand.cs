using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>New-FineTuningJob: creates a fine-tuning job.</summary>
    [Cmdlet(VerbsCommon.New, "FineTuningJob", SupportsShouldProcess = true, DefaultParameterSetName = ParametersSet)]
    [OutputType(typeof(FineTuningJob))]
    [OutputType(typeof(FineTuningWaitJob))]
    public sealed partial class NewFineTuningJobCommand : FineTuningCmdlet
    {
        private const string ParametersSet = "Parameters";
        private const string SpecSet = "Spec";

        [Parameter(Mandatory = true, ParameterSetName = ParametersSet)]
        [Parameter(ParameterSetName = SpecSet)]
        [ArgumentCompleter(typeof(ModelCompleter))]
        [ValidateNotNullOrEmpty]
        public string Model { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ParametersSet)]
        [Parameter(ParameterSetName = SpecSet)]
        [Alias("training_file")]
        [ArgumentCompleter(typeof(TrainingFileCompleter))]
        [ValidateNotNull]
        public object? TrainingFile { get; set; }

        [Parameter]
        [Alias("validation_file")]
        [ArgumentCompleter(typeof(TrainingFileCompleter))]
        [ValidateNotNull]
        public object? ValidationFile { get; set; }

        [Parameter]
        public TuningMethod Method { get; set; } = TuningMethod.Supervised;

        [Parameter] public int Epochs { get; set; }
        [Parameter] public int BatchSize { get; set; }
        [Parameter] public double LearningRateMultiplier { get; set; }
        [Parameter] public double Beta { get; set; }

        /// <summary>Reinforcement: how hard the model reasons while it trains (default, low, medium, high).</summary>
        [Parameter]
        [ValidateSet("default", "low", "medium", "high")]
        public string? ReasoningEffort { get; set; }

        /// <summary>Reinforcement: the multiplier on the compute spent exploring while training (above 0.00001, at most 10).</summary>
        [Parameter] public double ComputeMultiplier { get; set; }

        /// <summary>Reinforcement: training steps between evaluation runs (1 or more).</summary>
        [Parameter] public int EvalInterval { get; set; }

        /// <summary>Reinforcement: evaluation samples generated per evaluation step (1 or more).</summary>
        [Parameter] public int EvalSamples { get; set; }

        /// <summary>The grader of a reinforcement job: a hashtable, an object (ConvertFrom-Json) or JSON text.</summary>
        [Parameter]
        [ValidateNotNull]
        public object? Grader { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Hashtable? Hyperparameters { get; set; }

        [Parameter]
        [AllowEmptyString]
        public string? Suffix { get; set; }

        [Parameter] public long Seed { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Hashtable? Metadata { get; set; }

        [Parameter, ValidateNotNullOrEmpty] public string? WandbProject { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string? WandbName { get; set; }
        [Parameter, ValidateNotNullOrEmpty] public string? WandbEntity { get; set; }
        [Parameter, ValidateNotNull] public string[]? WandbTag { get; set; }

        [Parameter] public SwitchParameter Wait { get; set; }

        /// <summary>Creates the job now, then waits for it in a PowerShell background job, which is the output.</summary>
        [Parameter] public SwitchParameter AsJob { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int TimeoutSec { get; set; }

        // While the job is being created, a 404 can only mean a file it names does not exist.
        private bool _creating;

        // The model the request names, for suggestions when the service refuses it.
        private string? _model;

        // Jobs this call created (a spec's uploads are removed again when its job could not be made).
        private int _created;

        protected override string Noun => _creating ? "File" : "Job";

        /// <summary>A model the service refused gets the closest names of the models known to take fine-tuning.</summary>
        protected override ErrorRecord Explain(Exception exception, ErrorRecord record)
        {
            if (!_creating || !(exception is FineTuningServiceException service) || !string.Equals(service.Param, "model", StringComparison.Ordinal))
                return record;
            var close = FineTuning.Datasets.Suggestions.Closest(_model, BaseModels.Known.SelectMany(m => new[] { m.Snapshot, m.Alias }));
            if (close.Count == 0) return record;
            var message = record.ErrorDetails?.Message ?? record.Exception.Message;
            record.ErrorDetails = new ErrorDetails(message + FineTuning.Datasets.Suggestions.DidYouMean(_model, close))
            {
                RecommendedAction = "Use a model that takes fine-tuning, such as " + string.Join(" or ", close) + " (tab completion of -Model lists them).",
            };
            return record;
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == SpecSet)
            {
                CreateFromSpec();
                return;
            }
            NewJobOptions options;
            try
            {
                if (Wait && AsJob)
                    throw new ParameterValidationException("AsJob", "-Wait and -AsJob cannot be used together: -Wait waits here, -AsJob waits in a background job.");
                CheckBudgetParameters();
                options = BuildOptions();
                options.Validate();
            }
            catch (ParameterValidationException ex)
            {
                // Bad input stops here, before any request is made.
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
                return;
            }
            CheckTarget(options, null);
            if (Hyperparameters != null)
            {
                WriteWarning("-Hyperparameters sends the deprecated top-level 'hyperparameters' field; " +
                    "prefer -Epochs, -BatchSize and -LearningRateMultiplier, which go in the 'method' object.");
            }
            if (HasBudget && !CheckBudget(null, options, null, null)) return;

            var description = $"{options.EffectiveMethod} job on model '{options.Model}' with training file '{options.TrainingFile}'" +
                (options.ValidationFile is null ? string.Empty : $" and validation file '{options.ValidationFile}'") +
                (Suffix is null ? string.Empty : $", suffix '{Suffix}'");
            if (!ShouldProcess(description, "Create fine-tuning job")) return;
            CreateAndWrite(options);
        }

        /// <summary>Sends the request and writes the job, or waits for it (-Wait, -AsJob).</summary>
        private void CreateAndWrite(NewJobOptions options)
        {
            var request = options.ToRequest();
            var client = Client;
            FineTuningJob job;
            _creating = true;
            _model = request.Model;
            try
            {
                if (!TryRun(ct => client.CreateJobAsync(request, ct), options.TrainingFile, out job)) return;
            }
            finally
            {
                _creating = false;
            }
            _created++;
            WriteVerbose($"Created {job.Id} ({job.Status}).");
            var timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
            if (AsJob)
            {
                WriteObject(FineTuningWaitJob.StartNew(this, "Wait-FineTuningJob " + job.Id, job.Id, client, timeout, TimeSpan.FromSeconds(1)));
                return;
            }
            if (!Wait)
            {
                WriteObject(job);
                return;
            }
            // The job exists (and is billed) from here on: its id is in the information stream before the wait begins,
            // so a script keeps it (-InformationVariable) even when the wait is stopped.
            WriteInformation(job, new[] { "FineTuningJobCreated" });
            var waiter = new JobWaiter(this, client, timeout, TimeSpan.FromSeconds(1));
            try
            {
                waiter.WaitAndWrite(job.Id);
            }
            catch (PipelineStoppedException)
            {
                StoppedWaiting(job.Id);
                throw;
            }
        }

        /// <summary>
        /// Ctrl+C ended the wait, not the job. The pipeline's streams are closed by then, so the note goes straight to the
        /// host, where the person who pressed Ctrl+C reads it.
        /// </summary>
        private void StoppedWaiting(string jobId)
        {
            try
            {
                Host?.UI?.WriteWarningLine(SafeStreams.Text(StoppedWaitingMessage(jobId)));
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                // A host without a console: the id is still in the information stream.
            }
        }

        internal static string StoppedWaitingMessage(string jobId) =>
            $"Stopped waiting; fine-tuning job {jobId} goes on running (and is billed). " +
            $"Wait again: Wait-FineTuningJob {jobId}. Cancel it: Stop-FineTuningJob {jobId}.";

        private NewJobOptions BuildOptions()
        {
            var bound = MyInvocation.BoundParameters;
            var options = new NewJobOptions
            {
                Model = Model,
                TrainingFile = RemoteFileId(TrainingFile, nameof(TrainingFile)),
                ValidationFile = ValidationFile is null ? null : RemoteFileId(ValidationFile, nameof(ValidationFile)),
                Method = Method,
                Epochs = bound.ContainsKey(nameof(Epochs)) ? Epochs : (int?)null,
                BatchSize = bound.ContainsKey(nameof(BatchSize)) ? BatchSize : (int?)null,
                LearningRateMultiplier = bound.ContainsKey(nameof(LearningRateMultiplier)) ? LearningRateMultiplier : (double?)null,
                Beta = bound.ContainsKey(nameof(Beta)) ? Beta : (double?)null,
                ReasoningEffort = ReasoningEffort,
                ComputeMultiplier = bound.ContainsKey(nameof(ComputeMultiplier)) ? ComputeMultiplier : (double?)null,
                EvalInterval = bound.ContainsKey(nameof(EvalInterval)) ? EvalInterval : (int?)null,
                EvalSamples = bound.ContainsKey(nameof(EvalSamples)) ? EvalSamples : (int?)null,
                Suffix = Suffix,
                Seed = bound.ContainsKey(nameof(Seed)) ? Seed : (long?)null,
                Metadata = CmdletHelpers.ToStringMap(Metadata, nameof(Metadata)),
                WandbProject = WandbProject,
                WandbName = WandbName,
                WandbEntity = WandbEntity,
                WandbTag = WandbTag,
            };
            if (Grader != null) options.Grader = GraderCommand.GraderJson(Grader);
            if (Hyperparameters != null)
            {
                var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in Hyperparameters)
                {
                    map[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = CmdletHelpers.Unwrap(entry.Value);
                }
                options.Hyperparameters = map;
            }
            return options;
        }

        /// <summary>
        /// A file id as <see cref="FileId"/> reads it, refusing a string that names a file on this computer:
        /// the service only knows uploaded files, and would answer that the "file" does not exist.
        /// </summary>
        private string RemoteFileId(object? value, string parameterName)
        {
            var id = FileId(value, parameterName);
            if (id.StartsWith("file-", StringComparison.Ordinal)) return id;
            string local;
            try
            {
                local = SessionState.Path.GetUnresolvedProviderPathFromPSPath(id);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is ProviderNotFoundException ||
                ex is DriveNotFoundException || ex is ProviderInvocationException || ex is System.IO.PathTooLongException)
            {
                return id;
            }
            if (!System.IO.File.Exists(local)) return id;
            var example = parameterName == nameof(TrainingFile)
                ? $"Add-FineTuningFile '{id}' | New-FineTuningJob -Model {Model}"
                : $"-ValidationFile (Add-FineTuningFile '{id}')";
            throw new ParameterValidationException(parameterName,
                $"-{parameterName} '{id}' is a file on this computer; the service only knows uploaded files. " +
                $"Upload it first with Add-FineTuningFile and pass what it returns, e.g. {example}.", id);
        }

        /// <summary>A file id from a string, a file object, or anything with an Id property.</summary>
        internal static string FileId(object? value, string parameterName)
        {
            value = CmdletHelpers.Unwrap(value);
            switch (value)
            {
                case string s when !string.IsNullOrWhiteSpace(s):
                    return s.Trim();
                case FineTuningFile f:
                    return f.Id;
                case null:
                    break;
                default:
                    var id = PSObject.AsPSObject(value).Properties["Id"]?.Value as string;
                    if (!string.IsNullOrWhiteSpace(id)) return id!;
                    break;
            }
            throw new ParameterValidationException(parameterName,
                $"-{parameterName} takes a file id such as 'file-abc123' or a file object from Add-FineTuningFile or Get-FineTuningFile.", value);
        }
    }
}
