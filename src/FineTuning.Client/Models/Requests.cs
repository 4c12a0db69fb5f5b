using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>The body of <c>POST /fine_tuning/jobs</c>.</summary>
    public sealed class CreateJobRequest
    {
        [JsonPropertyName("model")] public string Model { get; set; } = string.Empty;
        [JsonPropertyName("training_file")] public string TrainingFile { get; set; } = string.Empty;
        [JsonPropertyName("validation_file")] public string? ValidationFile { get; set; }
        [JsonPropertyName("suffix")] public string? Suffix { get; set; }
        [JsonPropertyName("seed"), JsonConverter(typeof(FlexibleInt64Converter))] public long? Seed { get; set; }
        [JsonPropertyName("method")] public FineTuningMethod? Method { get; set; }
        [JsonPropertyName("hyperparameters")] public Hyperparameters? Hyperparameters { get; set; }
        [JsonPropertyName("integrations")] public List<JobIntegration>? Integrations { get; set; }
        [JsonPropertyName("metadata")] public Dictionary<string, string>? Metadata { get; set; }
    }

    /// <summary>The service's error envelope, OpenAI's and Azure's shapes alike.</summary>
    public sealed class ErrorEnvelope
    {
        [JsonPropertyName("error")] public ErrorBody? Error { get; set; }
    }

    public sealed class ErrorBody
    {
        [JsonPropertyName("message")] public string? Message { get; set; }
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("param")] public JsonElement? Param { get; set; }
        [JsonPropertyName("code")] public JsonElement? Code { get; set; }
        /// <summary>Azure: the field the error is about.</summary>
        [JsonPropertyName("target")] public string? Target { get; set; }
        /// <summary>Azure: nested details.</summary>
        [JsonPropertyName("innererror")] public JsonElement? InnerError { get; set; }
    }
}
