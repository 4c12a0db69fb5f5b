using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>A grant that lets a project use a fine-tuned model checkpoint (<c>checkpoint.permission</c>).</summary>
    public sealed class FineTuningCheckpointPermission : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("created_at"), JsonConverter(typeof(UnixTimeConverter))] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("project_id")] public string? ProjectId { get; set; }

        /// <summary>The checkpoint (or fine-tuned model) the permission is on; the service leaves it out, the client fills it in.</summary>
        [JsonIgnore] public string? Checkpoint { get; set; }

        public override string ToString() => Id;
    }

    /// <summary>The body of <c>POST /fine_tuning/checkpoints/{checkpoint}/permissions</c>.</summary>
    public sealed class CreateCheckpointPermissionRequest
    {
        [JsonPropertyName("project_ids")] public List<string> ProjectIds { get; set; } = new List<string>();
    }
}
