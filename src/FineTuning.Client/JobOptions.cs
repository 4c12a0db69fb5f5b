using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using FineTuning.Datasets;

namespace FineTuning.Client
{
    /// <summary>
    /// What a user asks of a new job, in the module's terms (parameter names are New-FineTuningJob's).
    /// <see cref="Validate"/> applies the service's documented limits before anything is sent;
    /// <see cref="ToRequest"/> builds the wire request.
    /// </summary>
    public sealed class NewJobOptions
    {
        public const int MaxMetadataPairs = 16;
        public const int MaxMetadataKeyLength = 64;
        public const int MaxMetadataValueLength = 512;
        public const int MaxSuffixLength = 64;

        public string? Model { get; set; }
        public string? TrainingFile { get; set; }
        public string? ValidationFile { get; set; }
        public TrainingMethod? Method { get; set; }
        public int? Epochs { get; set; }
        public int? BatchSize { get; set; }
        public double? LearningRateMultiplier { get; set; }
        public double? Beta { get; set; }
        public string? ReasoningEffort { get; set; }
        public double? ComputeMultiplier { get; set; }
        public int? EvalInterval { get; set; }
        public int? EvalSamples { get; set; }
        /// <summary>Reinforcement: the grader as JSON.</summary>
        public JsonElement? Grader { get; set; }
        /// <summary>Reinforcement: a structured output format as JSON.</summary>
        public JsonElement? ResponseFormat { get; set; }
        /// <summary>The deprecated top-level hyperparameters (supervised only): n_epochs, batch_size, learning_rate_multiplier.</summary>
        public IDictionary<string, object?>? Hyperparameters { get; set; }
        public string? Suffix { get; set; }
        public long? Seed { get; set; }
        public IDictionary<string, string>? Metadata { get; set; }
        public string? WandbProject { get; set; }
        public string? WandbName { get; set; }
        public string? WandbEntity { get; set; }
        public string[]? WandbTag { get; set; }

        public TrainingMethod EffectiveMethod => Method ?? TrainingMethod.Supervised;

        /// <summary>A copy of these options with other training and validation files (the settings' tables are shared, not copied).</summary>
        public NewJobOptions WithFiles(string? trainingFile, string? validationFile)
        {
            var copy = (NewJobOptions)MemberwiseClone();
            copy.TrainingFile = trainingFile;
            copy.ValidationFile = validationFile;
            return copy;
        }

        /// <summary>Throws <see cref="ParameterValidationException"/> for the first rule broken.</summary>
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(Model)) throw new ParameterValidationException("Model", "A model is required, e.g. -Model gpt-4o-mini-2024-07-18.");
            if (string.IsNullOrWhiteSpace(TrainingFile)) throw new ParameterValidationException("TrainingFile", "A training file id is required, e.g. -TrainingFile file-abc123 (Add-FineTuningFile uploads one).");
            var method = EffectiveMethod;

            if (Metadata != null)
            {
                if (Metadata.Count > MaxMetadataPairs)
                    throw new ParameterValidationException("Metadata", $"Metadata has {Metadata.Count} pairs; the service allows at most {MaxMetadataPairs}.", Metadata.Count);
                foreach (var kv in Metadata)
                {
                    if (string.IsNullOrEmpty(kv.Key)) throw new ParameterValidationException("Metadata", "Metadata keys cannot be empty.");
                    if (kv.Key.Length > MaxMetadataKeyLength)
                        throw new ParameterValidationException("Metadata", $"Metadata key '{Short(kv.Key)}' is {kv.Key.Length} characters; the service allows at most {MaxMetadataKeyLength}.", kv.Key);
                    if ((kv.Value ?? string.Empty).Length > MaxMetadataValueLength)
                        throw new ParameterValidationException("Metadata", $"The value of metadata key '{kv.Key}' is {kv.Value!.Length} characters; the service allows at most {MaxMetadataValueLength}.", kv.Key);
                }
            }
            if (Suffix != null && (Suffix.Length < 1 || Suffix.Length > MaxSuffixLength))
                throw new ParameterValidationException("Suffix", $"The suffix is {Suffix.Length} characters; it must be 1 to {MaxSuffixLength}.", Suffix);
            if (Seed.HasValue && (Seed < 0 || Seed > int.MaxValue))
                throw new ParameterValidationException("Seed", $"Seed {Seed} is out of range; it must be 0 to {int.MaxValue}.", Seed);
            if (Epochs.HasValue && (Epochs < 1 || Epochs > 50))
                throw new ParameterValidationException("Epochs", $"Epochs {Epochs} is out of range; it must be 1 to 50.", Epochs);
            if (BatchSize.HasValue && (BatchSize < 1 || BatchSize > 256))
                throw new ParameterValidationException("BatchSize", $"BatchSize {BatchSize} is out of range; it must be 1 to 256.", BatchSize);
            if (LearningRateMultiplier.HasValue && !(LearningRateMultiplier > 0))
                throw new ParameterValidationException("LearningRateMultiplier", $"LearningRateMultiplier must be greater than 0 (got {Num(LearningRateMultiplier)}).", LearningRateMultiplier);
            if (LearningRateMultiplier.HasValue && (double.IsInfinity(LearningRateMultiplier.Value) || double.IsNaN(LearningRateMultiplier.Value)))
                throw new ParameterValidationException("LearningRateMultiplier", "LearningRateMultiplier must be a finite number.", LearningRateMultiplier);

            if (Beta.HasValue)
            {
                if (method != TrainingMethod.Dpo) throw new ParameterValidationException("Beta", "-Beta applies only to DPO: add -Method Dpo, or remove -Beta.", Beta);
                if (!(Beta > 0 && Beta <= 2)) throw new ParameterValidationException("Beta", $"Beta must be greater than 0 and at most 2 (got {Num(Beta)}).", Beta);
            }
            if (Grader.HasValue && method != TrainingMethod.Reinforcement)
                throw new ParameterValidationException("Grader", "-Grader applies only to reinforcement fine-tuning: add -Method Reinforcement, or remove -Grader.");
            if (ResponseFormat.HasValue && method != TrainingMethod.Reinforcement)
                throw new ParameterValidationException("ResponseFormat", "-ResponseFormat applies only to reinforcement fine-tuning: add -Method Reinforcement.");
            foreach (var (name, set) in new[] { ("ReasoningEffort", ReasoningEffort != null), ("ComputeMultiplier", ComputeMultiplier.HasValue), ("EvalInterval", EvalInterval.HasValue), ("EvalSamples", EvalSamples.HasValue) })
            {
                if (set && method != TrainingMethod.Reinforcement)
                    throw new ParameterValidationException(name, $"-{name} applies only to reinforcement fine-tuning: add -Method Reinforcement, or remove -{name}.");
            }
            if (method == TrainingMethod.Reinforcement)
            {
                if (!Grader.HasValue) throw new ParameterValidationException("Grader", "Reinforcement fine-tuning needs a grader: pass -Grader @{ type = 'string_check'; name = '...'; input = '{{sample.output_text}}'; reference = '{{item.answer}}'; operation = 'eq' }.");
                GraderCheck.Require(Grader.Value, "Grader");
                if (string.IsNullOrWhiteSpace(ValidationFile))
                    throw new ParameterValidationException("ValidationFile", "Reinforcement fine-tuning needs a validation file: pass -ValidationFile.");
            }
            if (ReasoningEffort != null && !new[] { "default", "low", "medium", "high" }.Contains(ReasoningEffort))
                throw new ParameterValidationException("ReasoningEffort", $"ReasoningEffort must be default, low, medium or high (got '{ReasoningEffort}').", ReasoningEffort);
            if (ComputeMultiplier.HasValue && !(ComputeMultiplier > 0.00001 && ComputeMultiplier <= 10))
                throw new ParameterValidationException("ComputeMultiplier", $"ComputeMultiplier must be greater than 0.00001 and at most 10 (got {Num(ComputeMultiplier)}).", ComputeMultiplier);
            if (EvalInterval.HasValue && EvalInterval < 1) throw new ParameterValidationException("EvalInterval", "EvalInterval must be at least 1.", EvalInterval);
            if (EvalSamples.HasValue && EvalSamples < 1) throw new ParameterValidationException("EvalSamples", "EvalSamples must be at least 1.", EvalSamples);

            if (Hyperparameters != null)
            {
                if (method != TrainingMethod.Supervised)
                    throw new ParameterValidationException("Hyperparameters", "-Hyperparameters (the deprecated form) applies only to supervised jobs; use -Epochs, -BatchSize and -LearningRateMultiplier.");
                if (Epochs.HasValue || BatchSize.HasValue || LearningRateMultiplier.HasValue)
                    throw new ParameterValidationException("Hyperparameters", "Use either -Hyperparameters (deprecated) or -Epochs/-BatchSize/-LearningRateMultiplier, not both.");
                foreach (var key in Hyperparameters.Keys)
                {
                    if (key != "n_epochs" && key != "batch_size" && key != "learning_rate_multiplier")
                        throw new ParameterValidationException("Hyperparameters", $"Unknown hyperparameter '{key}'; the deprecated form takes n_epochs, batch_size and learning_rate_multiplier.", key);
                }
                var h = DeprecatedHyperparameters();
                CheckRange("Hyperparameters", "n_epochs", h.NEpochs, 1, 50, integer: true);
                CheckRange("Hyperparameters", "batch_size", h.BatchSize, 1, 256, integer: true);
                if (h.LearningRateMultiplier?.Number is double lr && !(lr > 0))
                    throw new ParameterValidationException("Hyperparameters", "learning_rate_multiplier must be greater than 0.");
            }

            var wandbExtras = WandbName != null || WandbEntity != null || (WandbTag != null && WandbTag.Length > 0);
            if (wandbExtras && string.IsNullOrWhiteSpace(WandbProject))
                throw new ParameterValidationException("WandbProject", "-WandbName, -WandbEntity and -WandbTag need -WandbProject.");
            if (WandbTag != null)
            {
                if (WandbTag.Length > 50) throw new ParameterValidationException("WandbTag", $"{WandbTag.Length} tags given; Weights & Biases allows at most 50.");
                foreach (var tag in WandbTag)
                {
                    if (string.IsNullOrEmpty(tag) || tag.Length > 64)
                        throw new ParameterValidationException("WandbTag", $"Tag '{Short(tag ?? string.Empty)}' must be 1 to 64 characters.", tag);
                }
            }
        }

        private static void CheckRange(string parameter, string key, HyperparameterValue? value, double min, double max, bool integer)
        {
            if (value is null) return;
            if (value.Value.Number is double n)
            {
                if (n < min || n > max || (integer && Math.Abs(n - Math.Round(n)) > 1e-9))
                    throw new ParameterValidationException(parameter, $"{key} must be {(integer ? "a whole number " : string.Empty)}from {min} to {max} (got {Num(n)}).");
            }
            else if (!value.Value.IsAuto)
            {
                throw new ParameterValidationException(parameter, $"{key} must be \"auto\" or a number (got '{value.Value.Text}').");
            }
        }

        private Hyperparameters DeprecatedHyperparameters()
        {
            var h = new Hyperparameters();
            foreach (var kv in Hyperparameters!)
            {
                var v = ToHyper(kv.Key, kv.Value);
                switch (kv.Key)
                {
                    case "n_epochs": h.NEpochs = v; break;
                    case "batch_size": h.BatchSize = v; break;
                    case "learning_rate_multiplier": h.LearningRateMultiplier = v; break;
                }
            }
            return h;
        }

        private static HyperparameterValue? ToHyper(string key, object? value)
        {
            switch (value)
            {
                case null: return null;
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d): return HyperparameterValue.FromNumber(d);
                case string s: return HyperparameterValue.FromText(s);
                case IConvertible c:
                    try { return HyperparameterValue.FromNumber(c.ToDouble(CultureInfo.InvariantCulture)); }
                    catch (Exception ex) when (ex is FormatException || ex is InvalidCastException) { }
                    break;
            }
            throw new ParameterValidationException("Hyperparameters", $"{key} must be \"auto\" or a number.");
        }

        /// <summary>Validates, then builds the body of POST /fine_tuning/jobs.</summary>
        public CreateJobRequest ToRequest()
        {
            Validate();
            var request = new CreateJobRequest
            {
                Model = Model!.Trim(),
                TrainingFile = TrainingFile!.Trim(),
                ValidationFile = string.IsNullOrWhiteSpace(ValidationFile) ? null : ValidationFile!.Trim(),
                Suffix = Suffix,
                Seed = Seed,
                Metadata = Metadata == null ? null : new Dictionary<string, string>(Metadata),
            };
            if (Hyperparameters != null)
            {
                request.Hyperparameters = DeprecatedHyperparameters();
            }
            else
            {
                var h = new Hyperparameters();
                if (Epochs.HasValue) h.NEpochs = HyperparameterValue.FromNumber(Epochs.Value);
                if (BatchSize.HasValue) h.BatchSize = HyperparameterValue.FromNumber(BatchSize.Value);
                if (LearningRateMultiplier.HasValue) h.LearningRateMultiplier = HyperparameterValue.FromNumber(LearningRateMultiplier.Value);
                if (Beta.HasValue) h.Beta = HyperparameterValue.FromNumber(Beta.Value);
                if (ReasoningEffort != null) h.ReasoningEffort = HyperparameterValue.FromText(ReasoningEffort);
                if (ComputeMultiplier.HasValue) h.ComputeMultiplier = HyperparameterValue.FromNumber(ComputeMultiplier.Value);
                if (EvalInterval.HasValue) h.EvalInterval = HyperparameterValue.FromNumber(EvalInterval.Value);
                if (EvalSamples.HasValue) h.EvalSamples = HyperparameterValue.FromNumber(EvalSamples.Value);
                var anySet = Epochs.HasValue || BatchSize.HasValue || LearningRateMultiplier.HasValue || Beta.HasValue ||
                             ReasoningEffort != null || ComputeMultiplier.HasValue || EvalInterval.HasValue || EvalSamples.HasValue;
                var settings = new MethodSettings { Hyperparameters = anySet ? h : null };
                var method = new FineTuningMethod();
                switch (EffectiveMethod)
                {
                    case TrainingMethod.Dpo:
                        method.Type = "dpo";
                        method.Dpo = settings;
                        break;
                    case TrainingMethod.Reinforcement:
                        method.Type = "reinforcement";
                        settings.Grader = Grader;
                        settings.ResponseFormat = ResponseFormat;
                        method.Reinforcement = settings;
                        break;
                    default:
                        method.Type = "supervised";
                        method.Supervised = settings;
                        break;
                }
                request.Method = method;
            }
            if (!string.IsNullOrWhiteSpace(WandbProject))
            {
                request.Integrations = new List<JobIntegration>
                {
                    new JobIntegration
                    {
                        Type = "wandb",
                        Wandb = new WandbIntegration
                        {
                            Project = WandbProject!,
                            Name = WandbName,
                            Entity = WandbEntity,
                            Tags = WandbTag == null || WandbTag.Length == 0 ? null : WandbTag.ToList(),
                        },
                    },
                };
            }
            return request;
        }

        private static string Short(string s) => s.Length <= 20 ? s : s.Substring(0, 20) + "…";

        private static string Num(double? d) => d?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
    }
}
