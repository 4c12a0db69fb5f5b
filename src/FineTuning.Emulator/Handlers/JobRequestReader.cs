using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using FineTuning.Client;
using FineTuning.Datasets;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary>
    /// Reads a job creation request (<c>POST /fine_tuning/jobs</c>) as the service does: unknown fields, types, ranges,
    /// the method and its hyperparameters, grader, metadata and integrations, each refused with a 400 naming the field.
    /// The result is a <see cref="JobSpec"/> for the lifecycle.
    /// </summary>
    internal static class JobRequestReader
    {
        private static readonly HashSet<string> CreateFields = new HashSet<string>(StringComparer.Ordinal)
            { "model", "training_file", "validation_file", "suffix", "seed", "method", "hyperparameters", "integrations", "metadata" };

        /// <param name="resolveModel">The snapshot a model name stands for (fine-tuned models included), or a 400.</param>
        public static JobSpec Read(EmulatorRequest request, Func<string, string> resolveModel)
        {
            var azure = request.Dialect != Dialect.OpenAI;
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

            var snapshot = resolveModel(model!);
            var methodType = "supervised";
            JsonElement? hyper = null;
            JsonElement? grader = null;
            JsonElement? responseFormat = null;
            if (root.TryGetProperty("method", out var methodElement) && methodElement.ValueKind != JsonValueKind.Null)
            {
                if (methodElement.ValueKind != JsonValueKind.Object) throw new ApiError(400, "Invalid type for 'method': expected an object.", "method", "invalid_type");
                methodType = OptionalString(methodElement, "type") ?? throw new ApiError(400, "Missing required parameter: 'method.type'.", "method.type", null);
                if (TrainingMethods.FromWire(methodType) is null)
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
                GradersHandler.CheckGrader(grader.Value, "method.reinforcement.grader");
                if (string.IsNullOrEmpty(validationFileId)) throw new ApiError(400, "Reinforcement fine-tuning requires a validation_file.", "validation_file", null);
            }
            var prefix = methodType == "supervised" && root.TryGetProperty("hyperparameters", out _) ? "hyperparameters" : $"method.{methodType}.hyperparameters";
            var epochs = Hyper(hyper, "n_epochs", prefix, 1, 50, integer: true);
            var batch = Hyper(hyper, "batch_size", prefix, 1, 256, integer: true);
            var lr = Hyper(hyper, "learning_rate_multiplier", prefix, double.Epsilon, double.MaxValue, integer: false);
            var beta = Hyper(hyper, "beta", prefix, double.Epsilon, 2, integer: false);
            if (beta != null && methodType != "dpo") throw new ApiError(400, $"'beta' is a DPO hyperparameter; method.type is '{methodType}'.", prefix + ".beta", null);
            var reasoningEffort = ReasoningEffort(hyper, prefix);
            var computeMultiplier = Hyper(hyper, "compute_multiplier", prefix, 0.00001, 10, integer: false, exclusiveMin: true);
            var evalInterval = Hyper(hyper, "eval_interval", prefix, 1, int.MaxValue, integer: true);
            var evalSamples = Hyper(hyper, "eval_samples", prefix, 1, int.MaxValue, integer: true);
            if (methodType != "reinforcement")
            {
                foreach (var (name, given) in new[] { ("reasoning_effort", reasoningEffort != null), ("compute_multiplier", computeMultiplier != null), ("eval_interval", evalInterval != null), ("eval_samples", evalSamples != null) })
                {
                    if (given) throw new ApiError(400, $"'{name}' is a reinforcement hyperparameter; method.type is '{methodType}'.", prefix + "." + name, null);
                }
            }

            return new JobSpec
            {
                Model = snapshot,
                TrainingFile = trainingFileId!,
                ValidationFile = validationFileId,
                Suffix = suffix,
                Seed = seed,
                Metadata = metadata,
                Integrations = ReadIntegrations(root),
                Method = TrainingMethods.FromWire(methodType)!.Value,
                Epochs = epochs is null ? (int?)null : (int)epochs.Value,
                BatchSize = batch is null ? (int?)null : (int)batch.Value,
                LearningRate = lr,
                Beta = beta,
                ReasoningEffort = reasoningEffort,
                ComputeMultiplier = computeMultiplier,
                EvalInterval = evalInterval is null ? (int?)null : (int)evalInterval.Value,
                EvalSamples = evalSamples is null ? (int?)null : (int)evalSamples.Value,
                Grader = grader,
                ResponseFormat = responseFormat,
                Azure = azure,
            };
        }

        /// <summary>reasoning_effort: one of the service's four words (it has no "auto").</summary>
        private static string? ReasoningEffort(JsonElement? hyper, string prefix)
        {
            if (hyper is null || !hyper.Value.TryGetProperty("reasoning_effort", out var v) || v.ValueKind == JsonValueKind.Null) return null;
            var param = prefix + ".reasoning_effort";
            var text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (text is "default" or "low" or "medium" or "high") return text;
            throw new ApiError(400, $"Invalid value for '{param}': {v.GetRawText()}. Supported values are: 'default', 'low', 'medium', and 'high'.", param, "invalid_value");
        }

        private static double? Hyper(JsonElement? hyper, string name, string prefix, double min, double max, bool integer, bool exclusiveMin = false)
        {
            if (hyper is null || !hyper.Value.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String && v.GetString() == "auto") return null;
            var param = prefix + "." + name;
            if (v.ValueKind != JsonValueKind.Number)
                throw new ApiError(400, $"Invalid value for '{param}': expected 'auto' or a number.", param, "invalid_type");
            var d = v.GetDouble();
            if (integer && d != Math.Floor(d)) throw new ApiError(400, $"Invalid value for '{param}': expected an integer, got {v.GetRawText()}.", param, "invalid_type");
            if (d < min || d > max || (exclusiveMin && d <= min))
            {
                var low = exclusiveMin ? min.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture) : "0";
                var range = integer ? (max >= int.MaxValue ? $"of at least {min}" : $"between {min} and {max}")
                    : max == double.MaxValue ? "greater than 0" : $"greater than {low} and at most {max.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture)}";
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
    }
}
