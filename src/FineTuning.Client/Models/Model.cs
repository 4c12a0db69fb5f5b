using System;
using System.Text.Json.Serialization;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>
    /// A model (<c>model</c>) as <c>GET /models</c> lists it: base models and the account's fine-tuned models.
    /// Azure OpenAI adds the base model, the job that made a fine-tuned model and its status.
    /// </summary>
    public sealed class FineTuningModel : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        /// <summary>When the model was made (<c>created</c>; read from <c>created_at</c> when a service writes only that).</summary>
        [JsonPropertyName("created"), JsonConverter(typeof(UnixTimeConverter))]
        public DateTimeOffset Created
        {
            get => _created == default && CreatedAt.HasValue ? CreatedAt.Value : _created;
            set => _created = value;
        }

        private DateTimeOffset _created;

        /// <summary>The time as Azure OpenAI's authoring API names it in some versions (<c>created_at</c>).</summary>
        [JsonPropertyName("created_at"), JsonConverter(typeof(NullableUnixTimeConverter))] public DateTimeOffset? CreatedAt { get; set; }
        [JsonPropertyName("owned_by")] public string? OwnedBy { get; set; }
        /// <summary>The day the model stops serving (<c>YYYY-MM-DD</c>), or null when none is announced.</summary>
        [JsonPropertyName("shutdown_date")] public string? ShutdownDate { get; set; }
        /// <summary>Azure OpenAI: the model's status (<c>succeeded</c> for a usable fine-tuned model).</summary>
        [JsonPropertyName("status")] public string? Status { get; set; }
        /// <summary>Azure OpenAI: the base model a fine-tuned model was trained from.</summary>
        [JsonPropertyName("model")] public string? Model { get; set; }
        /// <summary>Azure OpenAI: the id of the job that made a fine-tuned model.</summary>
        [JsonPropertyName("fine_tune")] public string? FineTune { get; set; }
        /// <summary>Azure OpenAI: preview, generally-available, deprecating or deprecated.</summary>
        [JsonPropertyName("lifecycle_status")] public string? LifecycleStatus { get; set; }

        /// <summary>True for a model made by fine-tuning: <c>ft:...</c> on OpenAI, <c>{base}.ft-...</c> on Azure OpenAI.</summary>
        [JsonIgnore]
        public bool IsFineTuned =>
            Id.StartsWith("ft:", StringComparison.Ordinal) || Id.IndexOf(".ft-", StringComparison.Ordinal) > 0 || FineTune != null;

        /// <summary>The base model of a fine-tuned model: as the service reports it, or read from an <c>ft:</c> name.</summary>
        [JsonIgnore]
        public string? BaseModel => Model ?? (Id.StartsWith("ft:", StringComparison.Ordinal) ? Part(1) : null);

        /// <summary>The suffix given when the model was trained, read from an <c>ft:</c> name (null when there is none).</summary>
        [JsonIgnore]
        public string? Suffix
        {
            get
            {
                var suffix = Id.StartsWith("ft:", StringComparison.Ordinal) ? Part(3) : null;
                return string.IsNullOrEmpty(suffix) ? null : suffix;
            }
        }

        /// <summary>True for a checkpoint of a fine-tuned model (<c>...:ckpt-step-N</c>).</summary>
        [JsonIgnore] public bool IsCheckpoint => Id.IndexOf(":ckpt-step-", StringComparison.Ordinal) > 0;

        private string? Part(int index)
        {
            var parts = Id.Split(':');
            return parts.Length > index ? parts[index] : null;
        }

        public override string ToString() => Id;
    }
}
