using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>Base of every object read from the service: keeps the fields this version does not know.</summary>
    public abstract class ServiceObject
    {
        /// <summary>Fields the service sent that this version of the module does not model. Kept, and written back.</summary>
        [JsonExtensionData]
        public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
    }

    /// <summary>A fine-tuning job (<c>fine_tuning.job</c>).</summary>
    public sealed class FineTuningJob : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("created_at"), JsonConverter(typeof(UnixTimeConverter))] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("model")] public string? Model { get; set; }
        [JsonPropertyName("organization_id")] public string? OrganizationId { get; set; }
        /// <summary>The status as the service wrote it. Open-ended: new values are kept as they come.</summary>
        [JsonPropertyName("status")] public string Status { get; set; } = string.Empty;
        [JsonPropertyName("training_file")] public string? TrainingFile { get; set; }
        [JsonPropertyName("validation_file")] public string? ValidationFile { get; set; }
        [JsonPropertyName("hyperparameters")] public Hyperparameters? Hyperparameters { get; set; }
        [JsonPropertyName("method")] public FineTuningMethod? Method { get; set; }
        [JsonPropertyName("fine_tuned_model")] public string? FineTunedModel { get; set; }
        [JsonPropertyName("finished_at"), JsonConverter(typeof(NullableUnixTimeConverter))] public DateTimeOffset? FinishedAt { get; set; }
        [JsonPropertyName("result_files")] public List<string>? ResultFiles { get; set; }
        [JsonPropertyName("trained_tokens"), JsonConverter(typeof(FlexibleInt64Converter))] public long? TrainedTokens { get; set; }
        /// <summary>The job's error; null when the service reports none (it may send <c>{}</c> or all-null fields on healthy jobs).</summary>
        [JsonPropertyName("error"), JsonConverter(typeof(JobErrorConverter))] public JobError? Error { get; set; }
        [JsonPropertyName("seed"), JsonConverter(typeof(FlexibleInt64Converter))] public long? Seed { get; set; }
        [JsonPropertyName("estimated_finish"), JsonConverter(typeof(NullableUnixTimeConverter))] public DateTimeOffset? EstimatedFinish { get; set; }
        [JsonPropertyName("integrations")] public List<JobIntegration>? Integrations { get; set; }
        [JsonPropertyName("metadata")] public Dictionary<string, string>? Metadata { get; set; }
        [JsonPropertyName("user_provided_suffix")] public string? UserProvidedSuffix { get; set; }
        [JsonPropertyName("usage_metrics")] public JsonElement? UsageMetrics { get; set; }
        [JsonPropertyName("shared_with_openai")] public bool? SharedWithOpenAI { get; set; }

        /// <summary>The training method's type: supervised, dpo or reinforcement (supervised when the service omits it).</summary>
        [JsonIgnore] public string MethodType => Method?.Type ?? "supervised";

        /// <summary>True once the job can no longer change: succeeded, failed or cancelled.</summary>
        [JsonIgnore] public bool IsFinal => JobStatus.IsFinal(Status);

        /// <summary>How long the job took, once it has finished.</summary>
        [JsonIgnore] public TimeSpan? Duration => FinishedAt.HasValue ? FinishedAt.Value - CreatedAt : (TimeSpan?)null;

        public override string ToString() => Id;
    }

    /// <summary>Known job statuses and their categories. The list is open: the service adds statuses.</summary>
    public static class JobStatus
    {
        public const string ValidatingFiles = "validating_files";
        public const string Queued = "queued";
        public const string Running = "running";
        public const string Pausing = "pausing";
        public const string Paused = "paused";
        public const string Resuming = "resuming";
        public const string Succeeded = "succeeded";
        public const string Failed = "failed";
        public const string Cancelled = "cancelled";

        /// <summary>Every status the module knows of, for completion and documentation.</summary>
        public static readonly string[] Known =
        {
            ValidatingFiles, Queued, Running, Pausing, Paused, Resuming, Succeeded, Failed, Cancelled, "created", "pending",
        };

        public static bool IsFinal(string? status) =>
            status == Succeeded || status == Failed || status == Cancelled;
    }

    public sealed class JobError
    {
        [JsonPropertyName("code")] public string? Code { get; set; }
        [JsonPropertyName("message")] public string? Message { get; set; }
        [JsonPropertyName("param")] public string? Param { get; set; }

        [JsonIgnore] public bool IsEmpty => Code is null && Message is null && Param is null;

        public override string ToString() => Code is null ? (Message ?? string.Empty) : $"{Code}: {Message}";
    }

    /// <summary>Hyperparameters of any method. Each is "auto" or a number (reasoning effort is a word).</summary>
    public sealed class Hyperparameters : ServiceObject
    {
        [JsonPropertyName("batch_size"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? BatchSize { get; set; }
        [JsonPropertyName("learning_rate_multiplier"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? LearningRateMultiplier { get; set; }
        [JsonPropertyName("n_epochs"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? NEpochs { get; set; }
        [JsonPropertyName("beta"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? Beta { get; set; }
        [JsonPropertyName("reasoning_effort"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? ReasoningEffort { get; set; }
        [JsonPropertyName("compute_multiplier"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? ComputeMultiplier { get; set; }
        [JsonPropertyName("eval_interval"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? EvalInterval { get; set; }
        [JsonPropertyName("eval_samples"), JsonConverter(typeof(HyperparameterValueConverter))] public HyperparameterValue? EvalSamples { get; set; }

        public override string ToString()
        {
            var parts = new List<string>();
            void Add(string name, HyperparameterValue? v) { if (v.HasValue) parts.Add(name + "=" + v.Value); }
            Add("n_epochs", NEpochs);
            Add("batch_size", BatchSize);
            Add("learning_rate_multiplier", LearningRateMultiplier);
            Add("beta", Beta);
            Add("reasoning_effort", ReasoningEffort);
            Add("compute_multiplier", ComputeMultiplier);
            Add("eval_interval", EvalInterval);
            Add("eval_samples", EvalSamples);
            return string.Join(", ", parts);
        }
    }

    /// <summary>The job's <c>method</c>: its type and the settings of that type.</summary>
    public sealed class FineTuningMethod : ServiceObject
    {
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("supervised")] public MethodSettings? Supervised { get; set; }
        [JsonPropertyName("dpo")] public MethodSettings? Dpo { get; set; }
        [JsonPropertyName("reinforcement")] public MethodSettings? Reinforcement { get; set; }

        /// <summary>The settings of the method's own type.</summary>
        [JsonIgnore]
        public MethodSettings? Settings => Type switch
        {
            "dpo" => Dpo,
            "reinforcement" => Reinforcement,
            _ => Supervised,
        };

        public override string ToString() => Type ?? string.Empty;
    }

    public sealed class MethodSettings : ServiceObject
    {
        [JsonPropertyName("hyperparameters")] public Hyperparameters? Hyperparameters { get; set; }
        /// <summary>Reinforcement only: the grader, as JSON.</summary>
        [JsonPropertyName("grader")] public JsonElement? Grader { get; set; }
        /// <summary>Reinforcement only: the structured output format, as JSON.</summary>
        [JsonPropertyName("response_format")] public JsonElement? ResponseFormat { get; set; }

        public override string ToString() => Hyperparameters?.ToString() ?? string.Empty;
    }

    public sealed class JobIntegration : ServiceObject
    {
        [JsonPropertyName("type")] public string Type { get; set; } = "wandb";
        [JsonPropertyName("wandb")] public WandbIntegration? Wandb { get; set; }

        public override string ToString() => Wandb is null ? Type : $"{Type}:{Wandb.Project}";
    }

    public sealed class WandbIntegration : ServiceObject
    {
        [JsonPropertyName("project")] public string Project { get; set; } = string.Empty;
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("entity")] public string? Entity { get; set; }
        [JsonPropertyName("tags")] public List<string>? Tags { get; set; }
        [JsonPropertyName("run_id")] public string? RunId { get; set; }
    }

    /// <summary>An event of a job (<c>fine_tuning.job.event</c>).</summary>
    public sealed class FineTuningEvent : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("created_at"), JsonConverter(typeof(UnixTimeConverter))] public DateTimeOffset CreatedAt { get; set; }
        /// <summary>info, warn (warning on Azure) or error.</summary>
        [JsonPropertyName("level")] public string? Level { get; set; }
        [JsonPropertyName("message")] public string? Message { get; set; }
        /// <summary>message or metrics.</summary>
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("data")] public JsonElement? Data { get; set; }

        /// <summary>The job the event belongs to (set by the module; the service does not send it).</summary>
        [JsonIgnore] public string? JobId { get; set; }

        /// <summary>The metrics of a metrics event, or null.</summary>
        [JsonIgnore] public StepMetrics? Metrics => StepMetrics.From(Data);

        /// <summary>The training step of a metrics event, or null.</summary>
        [JsonIgnore] public long? Step => Metrics?.Step;

        /// <summary>The training loss of a metrics event, or null.</summary>
        [JsonIgnore] public double? TrainLoss => Metrics?.TrainLoss;

        public override string ToString() => Message ?? Id;
    }

    /// <summary>Training metrics of a step, as metrics events and checkpoints carry them.</summary>
    public sealed class StepMetrics : ServiceObject
    {
        [JsonPropertyName("step"), JsonConverter(typeof(FlexibleInt64Converter))] public long? Step { get; set; }
        [JsonPropertyName("total_steps"), JsonConverter(typeof(FlexibleInt64Converter))] public long? TotalSteps { get; set; }
        [JsonPropertyName("train_loss")] public double? TrainLoss { get; set; }
        [JsonPropertyName("train_mean_token_accuracy")] public double? TrainMeanTokenAccuracy { get; set; }
        [JsonPropertyName("valid_loss")] public double? ValidLoss { get; set; }
        [JsonPropertyName("valid_mean_token_accuracy")] public double? ValidMeanTokenAccuracy { get; set; }
        [JsonPropertyName("full_valid_loss")] public double? FullValidLoss { get; set; }
        [JsonPropertyName("full_valid_mean_token_accuracy")] public double? FullValidMeanTokenAccuracy { get; set; }

        internal static StepMetrics? From(JsonElement? data)
        {
            if (data is null || data.Value.ValueKind != JsonValueKind.Object) return null;
            if (!data.Value.TryGetProperty("step", out _) && !data.Value.TryGetProperty("train_loss", out _)) return null;
            return data.Value.Deserialize(ClientJsonContext.Default.StepMetrics);
        }
    }

    /// <summary>A checkpoint of a job (<c>fine_tuning.job.checkpoint</c>).</summary>
    public sealed class FineTuningCheckpoint : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("created_at"), JsonConverter(typeof(UnixTimeConverter))] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("fine_tuned_model_checkpoint")] public string? FineTunedModelCheckpoint { get; set; }
        [JsonPropertyName("fine_tuning_job_id")] public string? FineTuningJobId { get; set; }
        [JsonPropertyName("step_number"), JsonConverter(typeof(FlexibleInt64Converter))] public long? StepNumber { get; set; }
        [JsonPropertyName("metrics")] public StepMetrics? Metrics { get; set; }

        public override string ToString() => Id;
    }

    /// <summary>A file (<c>file</c>).</summary>
    public sealed class FineTuningFile : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("bytes"), JsonConverter(typeof(FlexibleInt64Converter))] public long? Bytes { get; set; }
        [JsonPropertyName("created_at"), JsonConverter(typeof(UnixTimeConverter))] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("expires_at"), JsonConverter(typeof(NullableUnixTimeConverter))] public DateTimeOffset? ExpiresAt { get; set; }
        [JsonPropertyName("filename")] public string? Filename { get; set; }
        [JsonPropertyName("purpose")] public string? Purpose { get; set; }
        [JsonPropertyName("status")] public string? Status { get; set; }
        [JsonPropertyName("status_details")] public string? StatusDetails { get; set; }

        public override string ToString() => Id;
    }

    /// <summary>The body of Azure OpenAI's <c>POST /files/import</c>.</summary>
    public sealed class ImportFileRequest
    {
        [JsonPropertyName("purpose")] public string Purpose { get; set; } = "fine-tune";
        [JsonPropertyName("filename")] public string Filename { get; set; } = string.Empty;
        [JsonPropertyName("content_url")] public string ContentUrl { get; set; } = string.Empty;
        [JsonPropertyName("expires_after")] public FileExpiration? ExpiresAfter { get; set; }
    }

    /// <summary>The answer to a delete.</summary>
    public sealed class DeletionResult : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("deleted")] public bool Deleted { get; set; }

        public override string ToString() => Id;
    }

    /// <summary>One page of a list (<c>{"object":"list","data":[...],"has_more":...}</c>).</summary>
    public sealed class ListPage<T>
    {
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("data")] public List<T> Data { get; set; } = new List<T>();
        [JsonPropertyName("has_more")] public bool HasMore { get; set; }
        [JsonPropertyName("first_id")] public string? FirstId { get; set; }
        [JsonPropertyName("last_id")] public string? LastId { get; set; }
    }
}
