using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The job state machine, in the service's order: <c>validating_files</c> (the files are read and checked), <c>queued</c>,
    /// <c>running</c> (one training step at a time), then <c>succeeded</c>, or <c>failed</c> (bad files, a planned failure,
    /// files gone after a restart) or <c>cancelled</c>; <c>running</c> jobs can be paused and resumed. Jobs advance lazily:
    /// whenever one is touched, every change due by the clock is played with the time it was due. Nothing here knows HTTP;
    /// callers hold <see cref="EmulatorStore.Gate"/>.
    /// </summary>
    internal sealed class JobLifecycle
    {
        private readonly EmulatorStore _store;
        private readonly EmulatorClock _clock;
        private readonly FaultInjector _faults;
        private readonly string _organizationId;

        public JobLifecycle(EmulatorStore store, EmulatorClock clock, FaultInjector faults, string organizationId)
        {
            _store = store;
            _clock = clock;
            _faults = faults;
            _organizationId = organizationId;
        }

        // ---------------------------------------------------------------- create, find

        /// <summary>Queues a new job for file validation. Its files must exist and be for fine-tuning (else a 400/404).</summary>
        public JobRecord Create(JobSpec spec)
        {
            var training = _store.GetFile(spec.TrainingFile);
            if (training.Info.Purpose != "fine-tune")
                throw new ApiError(400, $"Invalid file purpose for training_file {spec.TrainingFile}: expected 'fine-tune', got '{training.Info.Purpose}'.", "training_file", "invalid_file_purpose");
            if (spec.ValidationFile != null)
            {
                if (!_store.Files.TryGetValue(spec.ValidationFile, out var validation))
                    throw new ApiError(400, $"Invalid validation_file: no such file {spec.ValidationFile}.", "validation_file", null);
                if (validation.Info.Purpose != "fine-tune")
                    throw new ApiError(400, $"Invalid file purpose for validation_file {spec.ValidationFile}: expected 'fine-tune', got '{validation.Info.Purpose}'.", "validation_file", "invalid_file_purpose");
            }

            var now = _clock.Now;
            var id = spec.Azure ? "ftjob-" + Guid.NewGuid().ToString("N") : _store.Ids.NewId("ftjob-", 24, _store.Jobs.ContainsKey);
            var record = new JobRecord
            {
                Sequence = _store.NextSequence(),
                Method = spec.Method,
                Epochs = spec.Epochs,
                BatchSize = spec.BatchSize,
                LearningRate = spec.LearningRate,
                Beta = spec.Beta,
                ReasoningEffort = spec.ReasoningEffort,
                ComputeMultiplier = spec.ComputeMultiplier,
                EvalInterval = spec.EvalInterval,
                EvalSamples = spec.EvalSamples,
                ModelId8 = _store.Ids.Text(8),
                Azure = spec.Azure,
                NextAt = now + _clock.Scale(Timing.Validation(training.Length)),
            };
            var settings = new MethodSettings { Hyperparameters = Hyperparameters(record), Grader = spec.Grader, ResponseFormat = spec.ResponseFormat };
            var method = TrainingMethods.ToWire(spec.Method);
            record.Job = new FineTuningJob
            {
                Id = id,
                Object = "fine_tuning.job",
                CreatedAt = now,
                Model = spec.Model,
                OrganizationId = _organizationId,
                Status = JobStatus.ValidatingFiles,
                TrainingFile = spec.TrainingFile,
                ValidationFile = spec.ValidationFile,
                // Every method's job carries the top-level hyperparameters, mirroring the method's, as the service's do.
                Hyperparameters = Hyperparameters(record),
                Method = new FineTuningMethod
                {
                    Type = method,
                    Supervised = spec.Method == TrainingMethod.Supervised ? settings : null,
                    Dpo = spec.Method == TrainingMethod.Dpo ? settings : null,
                    Reinforcement = spec.Method == TrainingMethod.Reinforcement ? settings : null,
                },
                ResultFiles = new List<string>(),
                Seed = spec.Seed ?? _store.Ids.Next(int.MaxValue),
                Integrations = spec.Integrations,
                Metadata = spec.Metadata,
                UserProvidedSuffix = spec.Suffix,
            };
            record.FailurePlan = _faults.ClaimForNewJob(id);
            _store.Jobs[id] = record;
            AddEvent(record, now, $"Created fine-tuning job: {id}");
            AddEvent(record, now, spec.ValidationFile is null
                ? $"Validating training file: {spec.TrainingFile}"
                : $"Validating training file: {spec.TrainingFile} and validation file: {spec.ValidationFile}");
            return record;
        }

        /// <summary>The job, brought up to the clock's time (404 when there is none).</summary>
        public JobRecord Touch(string id)
        {
            if (!_store.Jobs.TryGetValue(id, out var job))
                throw new ApiError(404, $"Could not find fine-tuning job {id}.", "fine_tuning_job_id", null);
            Advance(job, _clock.Now);
            return job;
        }

        /// <summary>Every job, brought up to the clock's time.</summary>
        public IEnumerable<JobRecord> TouchAll()
        {
            var now = _clock.Now;
            foreach (var job in _store.Jobs.Values) Advance(job, now);
            return _store.Jobs.Values;
        }

        /// <summary>Forgets a finished job (Azure's DELETE); an unfinished one must be cancelled first.</summary>
        public void Delete(string id)
        {
            var job = Touch(id);
            if (!JobStatus.IsFinal(job.Job.Status))
                throw new ApiError(400, $"Job {id} is {job.Job.Status}; only a finished job can be deleted. Cancel it first.", null, "transition");
            _store.Jobs.Remove(id);
            _store.MarkDirty();
        }

        // ---------------------------------------------------------------- what a client asks

        public JobRecord Cancel(JobRecord record)
        {
            var job = record.Job;
            if (JobStatus.IsFinal(job.Status)) throw InvalidTransition("cancel", job.Status);
            var now = _clock.Now;
            job.Status = JobStatus.Cancelled;
            job.FinishedAt = now;
            job.EstimatedFinish = null;
            record.NextAt = null;
            AddEvent(record, now, "Fine-tuning job cancelled");
            return record;
        }

        public JobRecord Pause(JobRecord record)
        {
            var job = record.Job;
            if (job.Status != JobStatus.Running) throw InvalidTransition("pause", job.Status);
            job.Status = JobStatus.Paused;
            job.EstimatedFinish = null;
            record.NextAt = null;
            AddEvent(record, _clock.Now, $"Fine-tuning job paused at step {record.Trainer?.StepsDone ?? 0}");
            return record;
        }

        public JobRecord Resume(JobRecord record)
        {
            var job = record.Job;
            if (job.Status != JobStatus.Paused) throw InvalidTransition("resume", job.Status);
            var now = _clock.Now;
            job.Status = JobStatus.Queued;
            record.NextAt = now + _clock.Scale(Timing.Requeue);
            EstimateFinish(record, now, now);
            AddEvent(record, now, "Fine-tuning job resumed, moving job to queued state");
            return record;
        }

        private static ApiError InvalidTransition(string action, string status) =>
            new ApiError(400, $"Cannot {action} a job in status '{status}'.", null, "transition");

        // ---------------------------------------------------------------- what the service does on its own

        /// <summary>Plays every service-driven change due by <paramref name="now"/>, each at the time it was due.</summary>
        public void Advance(JobRecord record, DateTimeOffset now)
        {
            var job = record.Job;
            while (record.NextAt is DateTimeOffset due && due <= now)
            {
                switch (job.Status)
                {
                    case JobStatus.ValidatingFiles:
                        ValidateFiles(record, due, now);
                        break;
                    case JobStatus.Queued:
                        job.Status = JobStatus.Running;
                        AddEvent(record, due, "Fine-tuning job started");
                        record.NextAt = due + _clock.Scale(Timing.Step(record.Trainer!.NextBatchTokens()));
                        EstimateFinish(record, due, now);
                        break;
                    case JobStatus.Running:
                        RunStep(record, due, now);
                        break;
                    default:
                        record.NextAt = null;
                        break;
                }
            }
        }

        private void ValidateFiles(JobRecord record, DateTimeOffset at, DateTimeOffset now)
        {
            var job = record.Job;
            var files = JobFiles.Check(_store.Files, record, out var problem);
            if (files is null)
            {
                Fail(record, at, problem!.Code, problem.Message, problem.Param);
                return;
            }
            // "auto" resolves now, from the data, and the job shows the numbers from here on.
            var n = files.Training.Count;
            record.Epochs ??= AutoHyperparameters.Epochs(n);
            record.BatchSize ??= AutoHyperparameters.BatchSize(n);
            record.LearningRate ??= AutoHyperparameters.LearningRate(job.Model!);
            if (record.Method == TrainingMethod.Dpo) record.Beta ??= AutoHyperparameters.Beta;
            if (job.Hyperparameters != null) job.Hyperparameters = Hyperparameters(record);
            var settings = job.Method?.Supervised ?? job.Method?.Dpo ?? job.Method?.Reinforcement;
            if (settings != null) settings.Hyperparameters = Hyperparameters(record);

            StartTrainer(record, files);
            job.Status = JobStatus.Queued;
            AddEvent(record, at, "Files validated, moving job to queued state");
            record.NextAt = at + _clock.Scale(Timing.Queue);
            EstimateFinish(record, at, now);
        }

        private static void StartTrainer(JobRecord record, CheckedFiles files)
        {
            var job = record.Job;
            var n = files.Training.Count;
            var vocabulary = TokenCounter.EncodingForModel(job.Model) == TokenCounter.O200kBase ? 200_000 : 100_256;
            record.BilledTokensPerEpoch = files.BilledTokensPerEpoch;
            record.Trainer = new Trainer(files.Training, files.Validation, record.Epochs!.Value, Math.Min(record.BatchSize!.Value, n),
                record.LearningRate!.Value, record.Beta ?? AutoHyperparameters.Beta, record.Method == TrainingMethod.Dpo, (int)(job.Seed ?? 0), vocabulary);
            record.SecondsPerStepEstimate = Timing.Step((int)(files.BilledTokensPerEpoch / Math.Max(1, record.Trainer.StepsPerEpoch))).TotalSeconds;
        }

        /// <summary>
        /// After a restart: rebuilds a validated job's trained model exactly, by reading its files again and replaying the
        /// steps it had run (its seed makes them the same); a job whose files are gone or changed fails.
        /// </summary>
        public void Restore(JobRecord record, int stepsDone, DateTimeOffset savedAt)
        {
            var status = record.Job.Status;
            if (JobStatus.IsFinal(status) || status == JobStatus.ValidatingFiles) return;
            var files = JobFiles.Check(_store.Files, record, out var problem);
            if (files is null || record.Epochs is null || record.BatchSize is null || record.LearningRate is null)
            {
                var why = problem?.Message ?? "The job's hyperparameters were not resolved before the restart.";
                Fail(record, savedAt, "invalid_training_file", $"The job cannot continue after the restart: {why}", "training_file");
                return;
            }
            StartTrainer(record, files);
            for (var i = 0; i < stepsDone; i++) record.Trainer!.Step();
        }

        private void RunStep(JobRecord record, DateTimeOffset at, DateTimeOffset now)
        {
            var job = record.Job;
            var trainer = record.Trainer!;
            var plan = record.FailurePlan ?? _faults.ClaimForJob(job.Id);
            record.FailurePlan = plan;
            if (plan != null && trainer.StepsDone + 1 >= plan.Step)
            {
                Fail(record, at, plan.Code, plan.Message, null);
                return;
            }

            var r = trainer.Step();
            AddEvent(record, at, StepReport.Message(r, trainer.TotalSteps), "metrics", StepReport.Data(r, trainer.TotalSteps));
            StepReport.AppendRow(record.Results, r);

            var last = trainer.StepsDone == trainer.TotalSteps;
            // Checkpoints are kept for the last three epochs; the last one carries the fine-tuned model's name.
            if (r.EpochEnd && r.Epoch > trainer.Epochs - 3)
            {
                string name;
                if (record.Azure) name = last ? StepReport.AzureName(job) : $"{StepReport.AzureName(job)}:ckpt-step-{r.Step}";
                else name = last ? $"{StepReport.OpenAIBaseName(job, _organizationId)}:{record.ModelId8}"
                    : $"{StepReport.OpenAIBaseName(job, _organizationId)}:{_store.Ids.Text(8)}:ckpt-step-{r.Step}";
                record.Checkpoints.Add(new FineTuningCheckpoint
                {
                    Id = "ftckpt_" + _store.Ids.Text(24),
                    Object = "fine_tuning.job.checkpoint",
                    CreatedAt = at,
                    FineTunedModelCheckpoint = name,
                    FineTuningJobId = job.Id,
                    StepNumber = r.Step,
                    Metrics = StepReport.Metrics(r),
                });
                if (!last) record.PendingCheckpointEvents.Add($"Checkpoint created at step {r.Step} with Snapshot ID: {name}");
            }

            if (last) Finish(record, at);
            else
            {
                record.NextAt = at + _clock.Scale(Timing.Step(trainer.NextBatchTokens()));
                EstimateFinish(record, at, now);
            }
        }

        private void Finish(JobRecord record, DateTimeOffset at)
        {
            var job = record.Job;
            foreach (var e in record.PendingCheckpointEvents) AddEvent(record, at, e);
            record.PendingCheckpointEvents.Clear();
            var model = record.Azure ? StepReport.AzureName(job) : $"{StepReport.OpenAIBaseName(job, _organizationId)}:{record.ModelId8}";
            var csv = Encoding.UTF8.GetBytes(record.Results.ToString());
            var results = _store.StoreFile("step_metrics.csv", "fine-tune-results", Encoding.ASCII.GetBytes(Convert.ToBase64String(csv)), at);
            job.ResultFiles = new List<string> { results.Info.Id };
            job.FineTunedModel = model;
            // Reinforcement data holds prompts, not the assistant text the service bills for the other methods: the job reports
            // the tokens its run went through.
            job.TrainedTokens = record.Method == TrainingMethod.Reinforcement
                ? record.Trainer!.TokensPerEpoch * record.Trainer.Epochs
                : record.BilledTokensPerEpoch * record.Trainer!.Epochs;
            job.Status = JobStatus.Succeeded;
            job.FinishedAt = at;
            job.EstimatedFinish = null;
            record.NextAt = null;
            AddEvent(record, at, $"New fine-tuned model created: {model}");
            AddEvent(record, at, "The job has successfully completed");
        }

        public void Fail(JobRecord record, DateTimeOffset at, string code, string message, string? param)
        {
            var job = record.Job;
            job.Status = JobStatus.Failed;
            job.Error = new JobError { Code = code, Message = message, Param = param };
            job.FinishedAt = at;
            job.EstimatedFinish = null;
            record.NextAt = null;
            AddEvent(record, at, message, level: "error");
        }

        /// <summary>
        /// When the job should end by the wall clock: the service's remaining duration from <paramref name="from"/>, shortened by
        /// the time scale, and not before <paramref name="asOf"/>, the time the job is being brought up to.
        /// </summary>
        private void EstimateFinish(JobRecord record, DateTimeOffset from, DateTimeOffset asOf)
        {
            var trainer = record.Trainer;
            if (trainer is null) return;
            var remaining = trainer.TotalSteps - trainer.StepsDone;
            var seconds = remaining * record.SecondsPerStepEstimate + (record.Job.Status == JobStatus.Queued ? Timing.Queue.TotalSeconds : 0);
            var estimate = from + _clock.Scale(TimeSpan.FromSeconds(seconds));
            // An unfinished job does not end in the past, and the wire carries whole seconds: round up, never down, so a
            // client that sleeps until estimated_finish never gets a time already gone.
            if (estimate < asOf) estimate = asOf;
            var ticks = estimate.UtcTicks % TimeSpan.TicksPerSecond;
            record.Job.EstimatedFinish = ticks == 0 ? estimate : estimate.AddTicks(TimeSpan.TicksPerSecond - ticks);
        }

        private void AddEvent(JobRecord record, DateTimeOffset at, string message, string type = "message", JsonObject? data = null, string level = "info")
        {
            _store.MarkDirty();
            if (record.Azure && level == "warn") level = "warning";
            JsonElement? element = null;
            if (data != null)
            {
                using var doc = JsonDocument.Parse(data.ToJsonString());
                element = doc.RootElement.Clone();
            }
            record.Events.Add(new FineTuningEvent
            {
                Id = "ftevent-" + _store.Ids.Text(24),
                Object = "fine_tuning.job.event",
                CreatedAt = at,
                Level = level,
                Message = message,
                Type = type,
                Data = element,
            });
        }

        /// <summary>The job's hyperparameters as the service shows them: numbers once resolved, "auto" before.</summary>
        public static Hyperparameters Hyperparameters(JobRecord record)
        {
            HyperparameterValue Value(double? v) => v.HasValue ? HyperparameterValue.FromNumber(v.Value) : HyperparameterValue.Auto;
            var h = new Hyperparameters
            {
                NEpochs = Value(record.Epochs),
                BatchSize = Value(record.BatchSize),
                LearningRateMultiplier = Value(record.LearningRate),
            };
            if (record.Method == TrainingMethod.Dpo) h.Beta = Value(record.Beta);
            if (record.Method == TrainingMethod.Reinforcement)
            {
                h.ReasoningEffort = HyperparameterValue.FromText(record.ReasoningEffort ?? "default");
                h.ComputeMultiplier = Value(record.ComputeMultiplier);
                h.EvalInterval = Value(record.EvalInterval);
                h.EvalSamples = Value(record.EvalSamples);
            }
            return h;
        }
    }
}
