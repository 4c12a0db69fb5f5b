using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FineTuning.Client
{
    /// <summary>The body of <c>POST /fine_tuning/alpha/graders/validate</c>.</summary>
    public sealed class ValidateGraderRequest
    {
        [JsonPropertyName("grader")] public JsonElement Grader { get; set; }
    }

    /// <summary>The answer of <c>POST /fine_tuning/alpha/graders/validate</c>: the grader, as the service read it.</summary>
    public sealed class ValidateGraderResponse : ServiceObject
    {
        [JsonPropertyName("grader")] public JsonElement? Grader { get; set; }
    }

    /// <summary>The body of <c>POST /fine_tuning/alpha/graders/run</c>.</summary>
    public sealed class RunGraderRequest
    {
        [JsonPropertyName("grader")] public JsonElement Grader { get; set; }
        /// <summary>The dataset line the grader's <c>{{item.*}}</c> templates read; optional.</summary>
        [JsonPropertyName("item")] public JsonElement? Item { get; set; }
        /// <summary>The model output the grader scores (<c>{{sample.output_text}}</c>).</summary>
        [JsonPropertyName("model_sample")] public string ModelSample { get; set; } = string.Empty;
    }

    /// <summary>The answer of <c>POST /fine_tuning/alpha/graders/run</c>: the reward and how it was reached.</summary>
    public sealed class GraderResult : ServiceObject
    {
        [JsonPropertyName("reward")] public double Reward { get; set; }
        [JsonPropertyName("metadata")] public GraderResultMetadata? Metadata { get; set; }
        /// <summary>The rewards of a multi grader's graders, by name.</summary>
        [JsonPropertyName("sub_rewards")] public Dictionary<string, JsonElement>? SubRewards { get; set; }
        [JsonPropertyName("model_grader_token_usage_per_model")] public Dictionary<string, JsonElement>? ModelGraderTokenUsagePerModel { get; set; }

        [JsonIgnore] public string? Name => Metadata?.Name;
        [JsonIgnore] public string? Type => Metadata?.Type;

        /// <summary>How long the grader ran, as the service measured it.</summary>
        [JsonIgnore] public TimeSpan? ExecutionTime => Metadata?.ExecutionTime is double s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;

        /// <summary>The names of the error flags the service set (sample_parse_error, ...); empty when the run went well.</summary>
        [JsonIgnore]
        public IReadOnlyList<string> Errors =>
            Metadata?.Errors?.Where(e => e.Value.ValueKind == JsonValueKind.True).Select(e => e.Key).ToList() ?? new List<string>();

        public override string ToString() => Reward.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }

    public sealed class GraderResultMetadata : ServiceObject
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("type")] public string? Type { get; set; }
        /// <summary>Error flags (booleans) and their details (strings), by name.</summary>
        [JsonPropertyName("errors")] public Dictionary<string, JsonElement>? Errors { get; set; }
        [JsonPropertyName("execution_time")] public double? ExecutionTime { get; set; }
        [JsonPropertyName("scores")] public JsonElement? Scores { get; set; }
        [JsonPropertyName("token_usage")] public JsonElement? TokenUsage { get; set; }
        [JsonPropertyName("sampled_model_name")] public string? SampledModelName { get; set; }
    }

    /// <summary>What the module checks of a grader before sending it anywhere.</summary>
    public static class GraderCheck
    {
        public const string Types = "string_check, text_similarity, python, score_model or multi";

        /// <summary>Throws <see cref="ParameterValidationException"/> for <paramref name="parameter"/> unless the grader is an object with a string type.</summary>
        public static void Require(JsonElement grader, string parameter)
        {
            if (grader.ValueKind != JsonValueKind.Object || !grader.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
                throw new ParameterValidationException(parameter, $"The grader must be a hashtable with a 'type' key ({Types}).");
        }
    }
}
