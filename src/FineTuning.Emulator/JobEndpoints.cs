using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client;
using FineTuning.Client.Json;

namespace FineTuning.Emulator
{
    public sealed partial class FineTuningEmulator
    {
        private static readonly HashSet<string> CreateFields = new HashSet<string>(StringComparer.Ordinal)
            { "model", "training_file", "validation_file", "suffix", "seed", "method", "hyperparameters", "integrations", "metadata" };

        private EmulatorResponse Jobs(EmulatorRequest request, string method, string[] s, bool azure)
        {
            if (s.Length == 2 && method == "POST") return CreateJob(request, azure);
            if (s.Length == 2 && method == "GET") return ListJobs(request);
            if (s.Length >= 3)
            {
                var id = s[2];
                if (s.Length == 3 && method == "GET")
                {
                    lock (_state) return Json(200, JobNode(Touch(id)));
                }
                if (s.Length == 3 && method == "DELETE" && azure)
                {
                    // Azure only: a finished job can be deleted (204).
                    lock (_state)
                    {
                        var job = Touch(id);
                        if (!JobStatus.IsFinal(job.Job.Status))
                            throw new ApiError(400, $"Job {id} is {job.Job.Status}; only a finished job can be deleted. Cancel it first.", null, "transition");
                        _jobs.Remove(id);
                        MarkDirty();
                        return new EmulatorResponse { Status = 204, ContentType = "application/json" };
                    }
                }
                if (s.Length == 4 && method == "POST" && (s[3] == "cancel" || s[3] == "pause" || s[3] == "resume"))
                {
                    lock (_state) return Json(200, JobNode(Transition(Touch(id), s[3])));
                }
                if (s.Length == 4 && method == "GET" && s[3] == "events")
                {
                    var limit = Limit(request, 20, 100);
                    lock (_state)
                    {
                        var job = Touch(id);
                        var events = Enumerable.Reverse(job.Events).ToList();
                        return Json(200, Page(events, e => e.Id,
                            e => ToNode(JsonSerializer.SerializeToUtf8Bytes(e, ClientJsonContext.Default.FineTuningEvent)), request.QueryValue("after"), limit, withIds: false));
                    }
                }
                if (s.Length == 4 && method == "GET" && s[3] == "checkpoints")
                {
                    var limit = Limit(request, 10, 100);
                    lock (_state)
                    {
                        var job = Touch(id);
                        var checkpoints = job.Checkpoints.OrderByDescending(c => c.StepNumber).ToList();
                        return Json(200, Page(checkpoints, c => c.Id,
                            c => ToNode(JsonSerializer.SerializeToUtf8Bytes(c, ClientJsonContext.Default.FineTuningCheckpoint)), request.QueryValue("after"), limit, withIds: true));
                    }
                }
            }
            throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);
        }

        // ---------------------------------------------------------------- create

        private EmulatorResponse CreateJob(EmulatorRequest request, bool azure)
        {
            var root = ParseBody(request);
            foreach (var property in root.EnumerateObject())
            {
                if (!CreateFields.Contains(property.Name))
                    throw new ApiError(400, $"Unrecognized request argument supplied: {property.Name}", property.Name, null);
            }
            var model = OptionalString(root, "model");
            if (string.IsNullOrWhiteSpace(model)) throw new ApiError(400, "Missing required parameter: 'model'.", "model", null);
            var trainingFileId = OptionalString(root, "training_file");
            if (string.IsNullOrWhiteSpace(trainingFileId)) throw new ApiError(400, "Missing required parameter: 'training_file'.", "training_file", null);
            var validationFileId = OptionalString(root, "validation_file");
            var suffix = OptionalString(root, "suffix");
            if (suffix != null && (suffix.Length < 1 || suffix.Length > 64))
                throw new ApiError(400, $"Invalid 'suffix': string too long. Expected a string with length between 1 and 64, but got a string with length {suffix.Length}.", "suffix", "string_above_max_length");
            if (azure && suffix != null && (suffix.Length > 40 || !System.Text.RegularExpressions.Regex.IsMatch(suffix, "^[A-Za-z0-9_-]+$")))
                throw new ApiError(400, $"Invalid 'suffix': Azure OpenAI takes at most 40 characters of A-Z, a-z, 0-9, '_' and '-' (got '{suffix}').", "suffix", null);
            long? seed = null;
            if (root.TryGetProperty("seed", out var seedElement) && seedElement.ValueKind != JsonValueKind.Null)
            {
                if (seedElement.ValueKind != JsonValueKind.Number || !seedElement.TryGetInt64(out var seedValue) || seedValue < 0 || seedValue > int.MaxValue)
                    throw new ApiError(400, $"Invalid 'seed': expected an integer between 0 and {int.MaxValue}.", "seed", null);
                seed = seedValue;
            }
            var metadata = ReadMetadata(root);

            var snapshot = ResolveModel(model!);
            var methodType = "supervised";
            JsonElement? hyper = null;
            JsonElement? grader = null;
            JsonElement? responseFormat = null;
            if (root.TryGetProperty("method", out var methodElement) && methodElement.ValueKind != JsonValueKind.Null)
            {
                if (methodElement.ValueKind != JsonValueKind.Object) throw new ApiError(400, "Invalid type for 'method': expected an object.", "method", "invalid_type");
                methodType = OptionalString(methodElement, "type") ?? throw new ApiError(400, "Missing required parameter: 'method.type'.", "method.type", null);
                if (methodType != "supervised" && methodType != "dpo" && methodType != "reinforcement")
                    throw new ApiError(400, $"Invalid value for 'method.type': '{methodType}'. Supported values are: 'supervised', 'dpo', and 'reinforcement'.", "method.type", "invalid_value");
                foreach (var p in methodElement.EnumerateObject())
                {
                    if (p.Name == "type") continue;
                    if (p.Name != methodType && p.Value.ValueKind != JsonValueKind.Null)
                        throw new ApiError(400, $"'method.{p.Name}' does not match method.type '{methodType}'.", "method." + p.Name, null);
                }
                if (methodElement.TryGetProperty(methodType, out var settings) && settings.ValueKind == JsonValueKind.Object)
                {
                    if (settings.TryGetProperty("hyperparameters", out var h) && h.ValueKind == JsonValueKind.Object) hyper = h;
                    if (settings.TryGetProperty("grader", out var g) && g.ValueKind == JsonValueKind.Object) grader = g;
                    if (settings.TryGetProperty("response_format", out var rf) && rf.ValueKind != JsonValueKind.Null) responseFormat = rf;
                }
            }
            if (root.TryGetProperty("hyperparameters", out var legacy) && legacy.ValueKind == JsonValueKind.Object)
            {
                if (hyper != null) throw new ApiError(400, "Send hyperparameters either in 'method' or in the deprecated top-level 'hyperparameters', not both.", "hyperparameters", null);
                if (methodType != "supervised") throw new ApiError(400, "The top-level 'hyperparameters' apply to supervised jobs only; use 'method'.", "hyperparameters", null);
                hyper = legacy;
            }
            if (methodType == "reinforcement")
            {
                if (grader is null) throw new ApiError(400, "Missing required parameter: 'method.reinforcement.grader'.", "method.reinforcement.grader", null);
                CheckGrader(grader.Value, "method.reinforcement.grader");
                if (string.IsNullOrEmpty(validationFileId)) throw new ApiError(400, "Reinforcement fine-tuning requires a validation_file.", "validation_file", null);
            }
            var prefix = methodType == "supervised" && root.TryGetProperty("hyperparameters", out _) ? "hyperparameters" : $"method.{methodType}.hyperparameters";
            var epochs = Hyper(hyper, "n_epochs", prefix, 1, 50, integer: true);
            var batch = Hyper(hyper, "batch_size", prefix, 1, 256, integer: true);
            var lr = Hyper(hyper, "learning_rate_multiplier", prefix, double.Epsilon, double.MaxValue, integer: false);
            var beta = Hyper(hyper, "beta", prefix, double.Epsilon, 2, integer: false);
            if (beta != null && methodType != "dpo") throw new ApiError(400, $"'beta' is a DPO hyperparameter; method.type is '{methodType}'.", prefix + ".beta", null);

            var integrations = ReadIntegrations(root);

            lock (_state)
            {
                var training = GetFile(trainingFileId!);
                if (training.Info.Purpose != "fine-tune")
                    throw new ApiError(400, $"Invalid file purpose for training_file {trainingFileId}: expected 'fine-tune', got '{training.Info.Purpose}'.", "training_file", "invalid_file_purpose");
                if (validationFileId != null)
                {
                    StoredFile validation;
                    try
                    {
                        validation = GetFile(validationFileId);
                    }
                    catch (ApiError)
                    {
                        throw new ApiError(400, $"Invalid validation_file: no such file {validationFileId}.", "validation_file", null);
                    }
                    if (validation.Info.Purpose != "fine-tune")
                        throw new ApiError(400, $"Invalid file purpose for validation_file {validationFileId}: expected 'fine-tune', got '{validation.Info.Purpose}'.", "validation_file", "invalid_file_purpose");
                }

                var now = Clock.Now;
                var id = azure ? "ftjob-" + Guid.NewGuid().ToString("N") : _ids.NewId("ftjob-", 24, _jobs.ContainsKey);
                var record = new JobRecord
                {
                    Sequence = ++_sequence,
                    MethodType = methodType,
                    Epochs = epochs is null ? (int?)null : (int)epochs.Value,
                    BatchSize = batch is null ? (int?)null : (int)batch.Value,
                    LearningRate = lr,
                    Beta = beta,
                    ModelId8 = RandomId(8),
                    Azure = azure,
                    NextAt = now + Clock.Scale(Timing.Validation(training.Length)),
                };
                var settings = new MethodSettings
                {
                    Hyperparameters = HyperObject(record, methodType),
                    Grader = grader,
                    ResponseFormat = responseFormat,
                };
                record.Job = new FineTuningJob
                {
                    Id = id,
                    Object = "fine_tuning.job",
                    CreatedAt = now,
                    Model = snapshot,
                    OrganizationId = Options.OrganizationId,
                    Status = JobStatus.ValidatingFiles,
                    TrainingFile = trainingFileId,
                    ValidationFile = validationFileId,
                    Hyperparameters = methodType == "supervised" ? HyperObject(record, methodType) : null,
                    Method = new FineTuningMethod
                    {
                        Type = methodType,
                        Supervised = methodType == "supervised" ? settings : null,
                        Dpo = methodType == "dpo" ? settings : null,
                        Reinforcement = methodType == "reinforcement" ? settings : null,
                    },
                    ResultFiles = new List<string>(),
                    Seed = seed ?? NextSeed(),
                    Integrations = integrations,
                    Metadata = metadata,
                    UserProvidedSuffix = suffix,
                };
                record.FailurePlan = Faults.ClaimForNewJob(id);
                _jobs[id] = record;
                AddEvent(record, now, $"Created fine-tuning job: {id}");
                AddEvent(record, now, validationFileId is null
                    ? $"Validating training file: {trainingFileId}"
                    : $"Validating training file: {trainingFileId} and validation file: {validationFileId}");
                var response = Json(azure ? 201 : 200, JobNode(record));
                if (azure) response.Headers["Location"] = $"/openai/fine_tuning/jobs/{id}";
                return response;
            }
        }

        private long NextSeed()
        {
            return _ids.Next(int.MaxValue);
        }

        private string ResolveModel(string model)
        {
            if (model.StartsWith("ft:", StringComparison.Ordinal))
            {
                lock (_state)
                {
                    if (_jobs.Values.Any(j => j.Job.FineTunedModel == model || j.Checkpoints.Any(c => c.FineTunedModelCheckpoint == model)) && !_deletedModels.Contains(model))
                        return model;
                }
                throw new ApiError(400, $"Model {model} is not available for fine-tuning or does not exist.", "model", "model_not_available");
            }
            foreach (var m in BaseModels.Known)
            {
                if (m.Alias == model || m.Snapshot == model) return m.Snapshot;
            }
            throw new ApiError(400, $"Model {model} is not available for fine-tuning or does not exist.", "model", "model_not_available");
        }

        private static double? Hyper(JsonElement? hyper, string name, string prefix, double min, double max, bool integer)
        {
            if (hyper is null || !hyper.Value.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String && v.GetString() == "auto") return null;
            var param = prefix + "." + name;
            if (v.ValueKind != JsonValueKind.Number)
                throw new ApiError(400, $"Invalid value for '{param}': expected 'auto' or a number.", param, "invalid_type");
            var d = v.GetDouble();
            if (integer && d != Math.Floor(d)) throw new ApiError(400, $"Invalid value for '{param}': expected an integer, got {v.GetRawText()}.", param, "invalid_type");
            if (d < min || d > max)
            {
                var range = integer ? $"between {min} and {max}" : max == double.MaxValue ? "greater than 0" : $"greater than 0 and at most {Format.Num(max)}";
                throw new ApiError(400, $"Invalid value for '{param}': {v.GetRawText()}. Expected a value {range}.", param, "invalid_value");
            }
            return d;
        }

        private static Dictionary<string, string>? ReadMetadata(JsonElement root)
        {
            if (!root.TryGetProperty("metadata", out var m) || m.ValueKind == JsonValueKind.Null) return null;
            if (m.ValueKind != JsonValueKind.Object) throw new ApiError(400, "Invalid type for 'metadata': expected an object.", "metadata", "invalid_type");
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in m.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new ApiError(400, $"Invalid type for 'metadata.{p.Name}': expected a string.", "metadata." + p.Name, "invalid_type");
                if (p.Name.Length > 64) throw new ApiError(400, $"Invalid 'metadata': key '{p.Name.Substring(0, 16)}...' is longer than 64 characters.", "metadata", "invalid_metadata");
                var value = p.Value.GetString()!;
                if (value.Length > 512) throw new ApiError(400, $"Invalid 'metadata': the value of '{p.Name}' is longer than 512 characters.", "metadata", "invalid_metadata");
                map[p.Name] = value;
            }
            if (map.Count > 16) throw new ApiError(400, $"Invalid 'metadata': {map.Count} pairs; at most 16 are allowed.", "metadata", "invalid_metadata");
            return map;
        }

        private static List<JobIntegration>? ReadIntegrations(JsonElement root)
        {
            if (!root.TryGetProperty("integrations", out var list) || list.ValueKind == JsonValueKind.Null) return null;
            if (list.ValueKind != JsonValueKind.Array) throw new ApiError(400, "Invalid type for 'integrations': expected an array.", "integrations", "invalid_type");
            var result = new List<JobIntegration>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var param = $"integrations[{i++}]";
                if (item.ValueKind != JsonValueKind.Object || OptionalString(item, "type") != "wandb")
                    throw new ApiError(400, $"Invalid '{param}': only integrations of type 'wandb' are supported.", param + ".type", null);
                if (!item.TryGetProperty("wandb", out var w) || w.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(OptionalString(w, "project")))
                    throw new ApiError(400, $"Missing required parameter: '{param}.wandb.project'.", param + ".wandb.project", null);
                var tags = new List<string>();
                if (w.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array)
                {
                    foreach (var tag in t.EnumerateArray())
                    {
                        var s = tag.ValueKind == JsonValueKind.String ? tag.GetString()! : throw new ApiError(400, $"'{param}.wandb.tags' must hold strings.", param + ".wandb.tags", null);
                        if (s.Length > 64) throw new ApiError(400, $"W&B tag '{s.Substring(0, 16)}...' is longer than 64 characters.", param + ".wandb.tags", null);
                        tags.Add(s);
                    }
                    if (tags.Count > 50) throw new ApiError(400, "At most 50 W&B tags are allowed.", param + ".wandb.tags", null);
                }
                result.Add(new JobIntegration
                {
                    Type = "wandb",
                    Wandb = new WandbIntegration
                    {
                        Project = OptionalString(w, "project")!,
                        Name = OptionalString(w, "name"),
                        Entity = OptionalString(w, "entity"),
                        Tags = tags.Count > 0 ? tags : null,
                    },
                });
            }
            if (result.Count > 5) throw new ApiError(400, "At most 5 integrations are allowed.", "integrations", null);
            return result;
        }


        private static Hyperparameters HyperObject(JobRecord record, string methodType)
        {
            HyperparameterValue Value(double? v) => v.HasValue ? HyperparameterValue.FromNumber(v.Value) : HyperparameterValue.Auto;
            var h = new Hyperparameters
            {
                NEpochs = Value(record.Epochs),
                BatchSize = Value(record.BatchSize),
                LearningRateMultiplier = Value(record.LearningRate),
            };
            if (methodType == "dpo") h.Beta = Value(record.Beta);
            return h;
        }

        // ---------------------------------------------------------------- list / read

        private EmulatorResponse ListJobs(EmulatorRequest request)
        {
            var limit = Limit(request, 20, 100);
            var filters = new List<KeyValuePair<string, string>>();
            var withoutMetadata = false;
            foreach (var kv in request.Query)
            {
                if (kv.Key == "metadata" && kv.Value == "null") withoutMetadata = true;
                else if (kv.Key.StartsWith("metadata[", StringComparison.Ordinal) && kv.Key.EndsWith("]", StringComparison.Ordinal))
                    filters.Add(new KeyValuePair<string, string>(kv.Key.Substring(9, kv.Key.Length - 10), kv.Value));
            }
            lock (_state)
            {
                var now = Clock.Now;
                foreach (var job in _jobs.Values) Advance(job, now);
                var matching = _jobs.Values
                    .Where(j => withoutMetadata ? j.Job.Metadata is null || j.Job.Metadata.Count == 0
                        : filters.All(f => j.Job.Metadata != null && j.Job.Metadata.TryGetValue(f.Key, out var v) && v == f.Value))
                    .OrderByDescending(j => j.Sequence)
                    .ToList();
                return Json(200, Page(matching, j => j.Job.Id, JobNode, request.QueryValue("after"), limit, withIds: false));
            }
        }

        /// <summary>The job, brought up to the current virtual time. Call under the state lock.</summary>
        private JobRecord Touch(string id)
        {
            if (!_jobs.TryGetValue(id, out var job))
                throw new ApiError(404, $"Could not find fine-tuning job {id}.", "fine_tuning_job_id", null);
            Advance(job, Clock.Now);
            return job;
        }

        private JsonObject JobNode(JobRecord record)
        {
            var node = ToNode(JsonSerializer.SerializeToUtf8Bytes(record.Job, ClientJsonContext.Default.FineTuningJob));
            // The service writes these keys even when they are null.
            foreach (var key in new[] { "validation_file", "fine_tuned_model", "finished_at", "trained_tokens", "error", "estimated_finish", "integrations", "metadata", "user_provided_suffix", "usage_metrics" })
            {
                if (!node.ContainsKey(key)) node[key] = null;
            }
            if (!node.ContainsKey("shared_with_openai")) node["shared_with_openai"] = false;
            return node;
        }

        // ---------------------------------------------------------------- transitions

        private JobRecord Transition(JobRecord record, string action)
        {
            var job = record.Job;
            var now = Clock.Now;
            var status = job.Status;
            switch (action)
            {
                case "cancel":
                    if (JobStatus.IsFinal(status)) throw InvalidTransition("cancel", status);
                    job.Status = JobStatus.Cancelled;
                    job.FinishedAt = now;
                    job.EstimatedFinish = null;
                    record.NextAt = null;
                    AddEvent(record, now, "Fine-tuning job cancelled");
                    break;
                case "pause":
                    if (status != JobStatus.Running) throw InvalidTransition("pause", status);
                    job.Status = JobStatus.Paused;
                    job.EstimatedFinish = null;
                    record.NextAt = null;
                    AddEvent(record, now, $"Fine-tuning job paused at step {record.Trainer?.StepsDone ?? 0}");
                    break;
                case "resume":
                    if (status != JobStatus.Paused) throw InvalidTransition("resume", status);
                    job.Status = JobStatus.Queued;
                    record.NextAt = now + Clock.Scale(Timing.Requeue);
                    EstimateFinish(record, now);
                    AddEvent(record, now, "Fine-tuning job resumed, moving job to queued state");
                    break;
            }
            return record;
        }

        private static ApiError InvalidTransition(string action, string status) =>
            new ApiError(400, $"Cannot {action} a job in status '{status}'.", null, "transition");

        // ---------------------------------------------------------------- lifecycle

        /// <summary>Plays every service-driven change due by <paramref name="now"/>. Call under the state lock.</summary>
        private void Advance(JobRecord record, DateTimeOffset now)
        {
            var job = record.Job;
            while (record.NextAt is DateTimeOffset due && due <= now)
            {
                switch (job.Status)
                {
                    case JobStatus.ValidatingFiles:
                        ValidateFiles(record, due);
                        break;
                    case JobStatus.Queued:
                        job.Status = JobStatus.Running;
                        AddEvent(record, due, "Fine-tuning job started");
                        record.NextAt = due + Clock.Scale(Timing.Step(record.Trainer!.NextBatchTokens()));
                        EstimateFinish(record, due);
                        break;
                    case JobStatus.Running:
                        RunStep(record, due);
                        break;
                    default:
                        record.NextAt = null;
                        break;
                }
            }
        }

        private void ValidateFiles(JobRecord record, DateTimeOffset at)
        {
            var job = record.Job;
            if (!_files.TryGetValue(job.TrainingFile!, out var trainingFile))
            {
                Fail(record, at, "invalid_training_file", $"The job failed due to an invalid training file. File {job.TrainingFile} was deleted before it could be validated.", "training_file");
                return;
            }
            var training = TrainingData.Read(trainingFile.ReadAll(), record.MethodType, job.Model!, isValidation: false);
            if (training.Error != null)
            {
                Fail(record, at, training.ErrorCode!, training.Error, "training_file");
                return;
            }
            // The module's own validator, the same that Test-FineTuningDataset runs, has the last word.
            var report = Check(trainingFile, record, job.Model!);
            if (FirstError(report, "training") is (string code, string message))
            {
                Fail(record, at, code, message, "training_file");
                return;
            }
            training.BilledTokens = report.Tokens.BillableTokensPerEpoch;
            TrainingData? validation = null;
            if (job.ValidationFile != null)
            {
                if (!_files.TryGetValue(job.ValidationFile, out var validationFile))
                {
                    Fail(record, at, "invalid_validation_file", $"The job failed due to an invalid validation file. File {job.ValidationFile} was deleted before it could be validated.", "validation_file");
                    return;
                }
                validation = TrainingData.Read(validationFile.ReadAll(), record.MethodType, job.Model!, isValidation: true);
                if (validation.Error != null)
                {
                    Fail(record, at, validation.ErrorCode!, validation.Error, "validation_file");
                    return;
                }
                var validationReport = Check(validationFile, record, job.Model!);
                if (FirstError(validationReport, "validation") is (string vcode, string vmessage))
                {
                    Fail(record, at, vcode, vmessage, "validation_file");
                    return;
                }
            }

            // "auto" resolves now, from the data, and the job shows the numbers from here on.
            var n = training.Examples.Count;
            record.Epochs ??= AutoHyperparameters.Epochs(n);
            record.BatchSize ??= AutoHyperparameters.BatchSize(n);
            record.LearningRate ??= AutoHyperparameters.LearningRate(job.Model!);
            if (record.MethodType == "dpo") record.Beta ??= AutoHyperparameters.Beta;
            var resolved = HyperObject(record, record.MethodType);
            if (job.Hyperparameters != null) job.Hyperparameters = HyperObject(record, record.MethodType);
            var settings = job.Method?.Supervised ?? job.Method?.Dpo ?? job.Method?.Reinforcement;
            if (settings != null) settings.Hyperparameters = resolved;

            CreateTrainer(record, training, validation);

            job.Status = JobStatus.Queued;
            AddEvent(record, at, "Files validated, moving job to queued state");
            record.NextAt = at + Clock.Scale(Timing.Queue);
            EstimateFinish(record, at);
        }

        private static FineTuning.Datasets.DatasetReport Check(StoredFile file, JobRecord record, string model)
        {
            var method = record.MethodType == "dpo" ? FineTuning.Datasets.TrainingMethod.Dpo
                : record.MethodType == "reinforcement" ? FineTuning.Datasets.TrainingMethod.Reinforcement
                : FineTuning.Datasets.TrainingMethod.Supervised;
            using var stream = file.OpenRead();
            return FineTuning.Datasets.DatasetValidator.Validate(stream, file.Info.Id,
                new FineTuning.Datasets.DatasetValidationOptions { Method = method, Model = model, MaxFindings = 50 });
        }

        /// <summary>The service's error for the first error the validator found, or null when there is none.</summary>
        private static (string, string)? FirstError(FineTuning.Datasets.DatasetReport report, string kind)
        {
            // The ten-example minimum applies to training files only.
            var first = report.Findings.FirstOrDefault(f => f.Severity == FineTuning.Datasets.FindingSeverity.Error &&
                !(kind == "validation" && f.Code == FineTuning.Datasets.FindingCodes.TooFewExamples));
            if (first is null) return null;
            if (first.Code == FineTuning.Datasets.FindingCodes.TooFewExamples && kind == "training")
                return ("invalid_n_examples", $"Training file has {report.Examples} example(s), but must have at least 10 examples");
            var where = first.LineNumber > 0 ? $"Line {first.LineNumber}" + (first.FieldPath is null ? string.Empty : $", {first.FieldPath}") + ": " : string.Empty;
            return ($"invalid_{kind}_file", $"The job failed due to an invalid {kind} file. Invalid file format. {where}{first.Message}");
        }

        private static void CreateTrainer(JobRecord record, TrainingData training, TrainingData? validation)
        {
            var job = record.Job;
            var n = training.Examples.Count;
            var vocabulary = FineTuning.Datasets.TokenCounter.EncodingForModel(job.Model) == FineTuning.Datasets.TokenCounter.O200kBase ? 200_000 : 100_256;
            record.TrainingData = training;
            record.Trainer = new Trainer(training.Examples, validation?.Examples, record.Epochs!.Value, Math.Min(record.BatchSize!.Value, n),
                record.LearningRate!.Value, record.Beta ?? AutoHyperparameters.Beta, record.MethodType == "dpo", (int)(job.Seed ?? 0), vocabulary);
            record.SecondsPerStepEstimate = Timing.Step((int)(training.BilledTokens / Math.Max(1, record.Trainer.StepsPerEpoch))).TotalSeconds;
        }

        /// <summary>Rebuilds a validated job's trainer from its stored files (after a restart).</summary>
        private bool BuildTrainer(JobRecord record, out string? problem)
        {
            var job = record.Job;
            problem = null;
            if (!_files.TryGetValue(job.TrainingFile!, out var trainingFile))
            {
                problem = $"The training file {job.TrainingFile} is gone; the job cannot continue after the restart.";
                return false;
            }
            var training = TrainingData.Read(trainingFile.ReadAll(), record.MethodType, job.Model!, isValidation: false);
            TrainingData? validation = null;
            if (job.ValidationFile != null && _files.TryGetValue(job.ValidationFile, out var validationFile))
                validation = TrainingData.Read(validationFile.ReadAll(), record.MethodType, job.Model!, isValidation: true);
            if (training.Error != null || record.Epochs is null || record.BatchSize is null || record.LearningRate is null)
            {
                problem = training.Error ?? "The job's hyperparameters were not resolved before the restart.";
                return false;
            }
            CreateTrainer(record, training, validation?.Error is null ? validation : null);
            return true;
        }

        private void RunStep(JobRecord record, DateTimeOffset at)
        {
            var job = record.Job;
            var trainer = record.Trainer!;
            var plan = record.FailurePlan ?? Faults.ClaimForJob(job.Id);
            record.FailurePlan = plan;
            if (plan != null && trainer.StepsDone + 1 >= plan.Step)
            {
                Fail(record, at, plan.Code, plan.Message, null);
                return;
            }

            var r = trainer.Step();
            var message = new StringBuilder($"Step {r.Step}/{trainer.TotalSteps}: training loss={r.TrainLoss.ToString("0.00", CultureInfo.InvariantCulture)}");
            if (r.ValidLoss is double vl) message.Append(", validation loss=").Append(vl.ToString("0.00", CultureInfo.InvariantCulture));
            if (r.FullValidLoss is double fl) message.Append(", full validation loss=").Append(fl.ToString("0.00", CultureInfo.InvariantCulture));
            var data = new JsonObject
            {
                ["step"] = r.Step,
                ["train_loss"] = Math.Round(r.TrainLoss, 6),
                ["total_steps"] = trainer.TotalSteps,
                ["train_mean_token_accuracy"] = Math.Round(r.TrainAccuracy, 6),
            };
            if (r.ValidLoss.HasValue) data["valid_loss"] = Math.Round(r.ValidLoss.Value, 6);
            if (r.ValidAccuracy.HasValue) data["valid_mean_token_accuracy"] = Math.Round(r.ValidAccuracy.Value, 6);
            if (r.FullValidLoss.HasValue) data["full_valid_loss"] = Math.Round(r.FullValidLoss.Value, 6);
            if (r.FullValidAccuracy.HasValue) data["full_valid_mean_token_accuracy"] = Math.Round(r.FullValidAccuracy.Value, 6);
            AddEvent(record, at, message.ToString(), "metrics", data);
            record.Results.Append(r.Step.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Csv(r.TrainLoss)).Append(',').Append(Csv(r.TrainAccuracy)).Append(',')
                .Append(r.ValidLoss.HasValue ? Csv(r.ValidLoss.Value) : string.Empty).Append(',')
                .Append(r.ValidAccuracy.HasValue ? Csv(r.ValidAccuracy.Value) : string.Empty).Append('\n');

            var last = trainer.StepsDone == trainer.TotalSteps;
            var baseName = $"ft:{job.Model}:{Options.OrganizationId}:{job.UserProvidedSuffix ?? string.Empty}";
            // Azure names models {base}.ft-{32 hex}[-suffix], and their checkpoints {model}:ckpt-step-N.
            var azureName = record.Azure
                ? $"{job.Model}.ft-{job.Id.Substring(job.Id.Length - 32)}" + (job.UserProvidedSuffix is null ? string.Empty : "-" + job.UserProvidedSuffix)
                : string.Empty;
            if (r.EpochEnd && r.Epoch > trainer.Epochs - 3)
            {
                var name = record.Azure
                    ? (last ? azureName : $"{azureName}:ckpt-step-{r.Step}")
                    : last ? $"{baseName}:{record.ModelId8}" : $"{baseName}:{RandomId(8)}:ckpt-step-{r.Step}";
                var metrics = new StepMetrics
                {
                    Step = r.Step,
                    TrainLoss = Math.Round(r.TrainLoss, 6),
                    TrainMeanTokenAccuracy = Math.Round(r.TrainAccuracy, 6),
                    ValidLoss = r.ValidLoss.HasValue ? Math.Round(r.ValidLoss.Value, 6) : (double?)null,
                    ValidMeanTokenAccuracy = r.ValidAccuracy.HasValue ? Math.Round(r.ValidAccuracy.Value, 6) : (double?)null,
                    FullValidLoss = r.FullValidLoss.HasValue ? Math.Round(r.FullValidLoss.Value, 6) : (double?)null,
                    FullValidMeanTokenAccuracy = r.FullValidAccuracy.HasValue ? Math.Round(r.FullValidAccuracy.Value, 6) : (double?)null,
                };
                record.Checkpoints.Add(new FineTuningCheckpoint
                {
                    Id = "ftckpt_" + RandomId(24),
                    Object = "fine_tuning.job.checkpoint",
                    CreatedAt = at,
                    FineTunedModelCheckpoint = name,
                    FineTuningJobId = job.Id,
                    StepNumber = r.Step,
                    Metrics = metrics,
                });
                if (!last) record.PendingCheckpointEvents.Add($"Checkpoint created at step {r.Step} with Snapshot ID: {name}");
            }

            if (!last)
            {
                record.NextAt = at + Clock.Scale(Timing.Step(trainer.NextBatchTokens()));
                EstimateFinish(record, at);
                return;
            }

            foreach (var e in record.PendingCheckpointEvents) AddEvent(record, at, e);
            record.PendingCheckpointEvents.Clear();
            var model = record.Azure ? azureName : $"{baseName}:{record.ModelId8}";
            var csv = Encoding.UTF8.GetBytes(record.Results.ToString());
            var results = StoreFile("step_metrics.csv", "fine-tune-results", Encoding.ASCII.GetBytes(Convert.ToBase64String(csv)));
            job.ResultFiles = new List<string> { results.Info.Id };
            job.FineTunedModel = model;
            job.TrainedTokens = record.TrainingData!.BilledTokens * trainer.Epochs;
            job.Status = JobStatus.Succeeded;
            job.FinishedAt = at;
            job.EstimatedFinish = null;
            record.NextAt = null;
            AddEvent(record, at, $"New fine-tuned model created: {model}");
            AddEvent(record, at, "The job has successfully completed");
        }

        private static string Csv(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);

        private void Fail(JobRecord record, DateTimeOffset at, string code, string message, string? param)
        {
            var job = record.Job;
            job.Status = JobStatus.Failed;
            job.Error = new JobError { Code = code, Message = message, Param = param };
            job.FinishedAt = at;
            job.EstimatedFinish = null;
            record.NextAt = null;
            AddEvent(record, at, message, level: "error");
        }

        /// <summary>When the job should end by the wall clock: the service's remaining duration, shortened by the time scale.</summary>
        private void EstimateFinish(JobRecord record, DateTimeOffset from)
        {
            var trainer = record.Trainer;
            if (trainer is null) return;
            var remaining = trainer.TotalSteps - trainer.StepsDone;
            var seconds = remaining * record.SecondsPerStepEstimate + (record.Job.Status == JobStatus.Queued ? Timing.Queue.TotalSeconds : 0);
            record.Job.EstimatedFinish = from + TimeSpan.FromSeconds(Math.Ceiling(Clock.Scale(TimeSpan.FromSeconds(seconds)).TotalSeconds));
        }

        private void AddEvent(JobRecord record, DateTimeOffset at, string message, string type = "message", JsonObject? data = null, string level = "info")
        {
            MarkDirty();
            if (record.Azure && level == "warn") level = "warning";
            JsonElement? element = null;
            if (data != null)
            {
                using var doc = JsonDocument.Parse(data.ToJsonString());
                element = doc.RootElement.Clone();
            }
            record.Events.Add(new FineTuningEvent
            {
                Id = "ftevent-" + RandomId(24),
                Object = "fine_tuning.job.event",
                CreatedAt = at,
                Level = level,
                Message = message,
                Type = type,
                Data = element,
            });
        }
    }

}
