using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>An upload of a large file in parts (the Uploads API).</summary>
    public sealed class FineTuningUpload : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("bytes"), JsonConverter(typeof(FlexibleInt64Converter))] public long? Bytes { get; set; }
        [JsonPropertyName("created_at"), JsonConverter(typeof(UnixTimeConverter))] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("expires_at"), JsonConverter(typeof(NullableUnixTimeConverter))] public DateTimeOffset? ExpiresAt { get; set; }
        [JsonPropertyName("filename")] public string? Filename { get; set; }
        [JsonPropertyName("purpose")] public string? Purpose { get; set; }
        /// <summary>pending, completed, cancelled or expired.</summary>
        [JsonPropertyName("status")] public string? Status { get; set; }
        /// <summary>The file made from the parts, once completed.</summary>
        [JsonPropertyName("file")] public FineTuningFile? File { get; set; }

        public override string ToString() => Id;
    }

    /// <summary>A part added to an upload.</summary>
    public sealed class FineTuningUploadPart : ServiceObject
    {
        [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
        [JsonPropertyName("object")] public string? Object { get; set; }
        [JsonPropertyName("created_at"), JsonConverter(typeof(UnixTimeConverter))] public DateTimeOffset CreatedAt { get; set; }
        [JsonPropertyName("upload_id")] public string? UploadId { get; set; }
    }

    public sealed class CreateUploadRequest
    {
        [JsonPropertyName("filename")] public string Filename { get; set; } = string.Empty;
        [JsonPropertyName("purpose")] public string Purpose { get; set; } = string.Empty;
        [JsonPropertyName("bytes")] public long Bytes { get; set; }
        [JsonPropertyName("mime_type")] public string MimeType { get; set; } = string.Empty;
        [JsonPropertyName("expires_after")] public FileExpiration? ExpiresAfter { get; set; }
    }

    /// <summary>When a file expires: <c>{"anchor": "created_at", "seconds": N}</c>.</summary>
    public sealed class FileExpiration
    {
        [JsonPropertyName("anchor")] public string Anchor { get; set; } = "created_at";
        [JsonPropertyName("seconds")] public long Seconds { get; set; }

        /// <summary>N seconds after creation, or null for a file that does not expire.</summary>
        public static FileExpiration? After(long? seconds) => seconds is long s ? new FileExpiration { Seconds = s } : null;
    }

    public sealed class CompleteUploadRequest
    {
        [JsonPropertyName("part_ids")] public List<string> PartIds { get; set; } = new List<string>();
        [JsonPropertyName("md5")] public string? Md5 { get; set; }
    }
}
