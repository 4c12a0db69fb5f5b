using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>New-FineTuningJob: creates a fine-tuning job.</summary>
    [Cmdlet(VerbsCommon.New, "FineTuningJob", SupportsShouldProcess = true, DefaultParameterSetName = ParametersSet)]
    [OutputType(typeof(FineTuningJob))]
    [OutputType(typeof(FineTuningWaitJob))]
    public sealed class NewFineTuningJobCommand : FineTuningCmdlet
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
        public TrainingMethod Method { get; set; } = TrainingMethod.Supervised;

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

        /// <summary>A job spec: the path of a .psd1 or .json file, or a hashtable. Parameters given as well override its keys.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SpecSet)]
        [ValidateNotNull]
        public object? Spec { get; set; }

        /// <summary>Refuse, before any upload or request that makes something, when the estimated cost is above this amount.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0e12)]
        public double MaxEstimatedCost { get; set; }

        /// <summary>What a million trained tokens of the model cost, in the budget's currency.</summary>
        [Parameter]
        [ValidateRange(0.0, 1000000.0)]
        public double PricePerMillionTokens { get; set; }

        // While the job is being created, a 404 can only mean a file it names does not exist.
        private bool _creating;

        // The model the request names, for suggestions when the service refuses it.
        private string? _model;

        // Jobs this call created (a spec's uploads are removed again when its job could not be made).
        private int _created;

        private JobPreflight? _preflight;

        protected override string Noun => _creating ? "File" : "Job";

        /// <summary>A model the service refused gets the closest names of the models known to take fine-tuning.</summary>
        protected override ErrorRecord Explain(Exception exception, ErrorRecord record) =>
            _creating && exception is FineTuningServiceException service && string.Equals(service.Param, "model", StringComparison.Ordinal)
                ? JobPreflight.SuggestModels(record, _model)
                : record;

        protected override void StopProcessing()
        {
            _preflight?.Stop();
            base.StopProcessing();
        }

        protected override void ProcessRecord()
        {
            var bound = MyInvocation.BoundParameters;
            _preflight = new JobPreflight(this, bound.ContainsKey(nameof(MaxEstimatedCost)) ? (decimal)MaxEstimatedCost : (decimal?)null, (decimal)PricePerMillionTokens);
            NewJobOptions? options = null;
            try
            {
                if (Wait && AsJob)
                    throw new ParameterValidationException("AsJob", "-Wait and -AsJob cannot be used together: -Wait waits here, -AsJob waits in a background job.");
                JobPreflight.CheckParameters(_preflight.HasBudget, bound.ContainsKey(nameof(PricePerMillionTokens)));
                if (ParameterSetName != SpecSet)
                {
                    options = BuildOptions();
                    options.Validate();
                }
            }
            catch (ParameterValidationException ex)
            {
                // Bad input stops here, before any request is made.
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
                return;
            }
            if (options is null)
            {
                CreateFromSpec(_preflight);
                return;
            }
            if (!_preflight.Check(options, null, ResolveConnection(), DownloadTrainingFile)) return;
            if (!ShouldProcess(JobPreflight.Description(options, Suffix), "Create fine-tuning job")) return;
            CreateAndWrite(options);
        }

        private void CreateFromSpec(JobPreflight check)
        {
            JobSpec spec;
            try
            {
                var (data, source, folder) = JobSpecReader.Load(this, Spec!);
                JobSpecReader.ApplyOverrides(this, data, MyInvocation.BoundParameters, Method);
                spec = JobSpec.Read(data, source, folder);
            }
            catch (JobSpecException ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, ex.SpecSource, Noun));
                return;
            }
            var planned = spec.ToOptions();
            if (!check.Check(planned, spec, ResolveConnection(), DownloadTrainingFile)) return;
            if (!ShouldProcess(JobPreflight.Description(spec, planned), "Create fine-tuning job")) return;

            var client = Client;
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, path) in spec.LocalFiles)
            {
                var name = System.IO.Path.GetFileName(path);
                var parts = new System.IO.FileInfo(path).Length > FilesClient.MaxBytes;
                WriteVerbose($"Uploading {key} {path}.");
                if (!TryRun(ct => parts ? client.Uploads.UploadFileAsync(path, "fine-tune", name, null, ct) : client.Files.UploadAsync(path, "fine-tune", name, null, ct),
                        path, out var file))
                {
                    RemoveUploads(client, ids.Values);
                    return;
                }
                ids[key] = file.Id;
            }
            ids.TryGetValue("TrainingFile", out var trainingId);
            ids.TryGetValue("ValidationFile", out var validationId);
            var before = _created;
            CreateAndWrite(spec.ToOptions(trainingId, validationId));
            if (_created == before) RemoveUploads(client, ids.Values);
        }

        /// <summary>Deletes the files this call uploaded when the job could not be created, so nothing half-done is left.</summary>
        private void RemoveUploads(FineTuningClient client, IEnumerable<string> ids)
        {
            foreach (var id in ids.ToList())
            {
                if (TryRun(ct => client.Files.DeleteAsync(id, ct), id, out _)) WriteVerbose($"Deleted {id}, uploaded for the job that was not created.");
            }
        }

        /// <summary>Reads an uploaded training file's content for the cost estimate; a 404 is FileNotFound.</summary>
        private bool DownloadTrainingFile(string id, System.IO.Stream stream)
        {
            var client = Client;
            _creating = true;
            try
            {
                return TryRun(ct => client.Files.DownloadContentAsync(id, stream, ct), id, out _);
            }
            finally
            {
                _creating = false;
            }
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
                if (!TryRun(ct => client.Jobs.CreateAsync(request, ct), options.TrainingFile, out job)) return;
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
                JobWaiter.StoppedWaiting(Host, job.Id);
                throw;
            }
        }

        private NewJobOptions BuildOptions()
        {
            var bound = MyInvocation.BoundParameters;
            var options = new NewJobOptions
            {
                Model = Model,
                TrainingFile = JobFileArgument.RemoteFileId(TrainingFile, nameof(TrainingFile), p => JobFileArgument.LocalPath(this, p), Model),
                ValidationFile = ValidationFile is null ? null : JobFileArgument.RemoteFileId(ValidationFile, nameof(ValidationFile), p => JobFileArgument.LocalPath(this, p), Model),
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
            if (Hyperparameters != null) options.Hyperparameters = CmdletHelpers.ToObjectMap(Hyperparameters);
            return options;
        }
    }
}
