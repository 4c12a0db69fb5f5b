using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FineTuning.Client.Json
{
    /// <summary>Source-generated serialization for every wire type: no reflection at run time, fast first call.</summary>
    [JsonSourceGenerationOptions(
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(FineTuningJob))]
    [JsonSerializable(typeof(FineTuningEvent))]
    [JsonSerializable(typeof(FineTuningCheckpoint))]
    [JsonSerializable(typeof(FineTuningFile))]
    [JsonSerializable(typeof(DeletionResult))]
    [JsonSerializable(typeof(FineTuningModel))]
    [JsonSerializable(typeof(ListPage<FineTuningCheckpointPermission>))]
    [JsonSerializable(typeof(CreateCheckpointPermissionRequest))]
    [JsonSerializable(typeof(ImportFileRequest))]
    [JsonSerializable(typeof(ValidateGraderRequest))]
    [JsonSerializable(typeof(ValidateGraderResponse))]
    [JsonSerializable(typeof(RunGraderRequest))]
    [JsonSerializable(typeof(GraderResult))]
    [JsonSerializable(typeof(ListPage<FineTuningModel>))]
    [JsonSerializable(typeof(StepMetrics))]
    [JsonSerializable(typeof(ListPage<FineTuningJob>))]
    [JsonSerializable(typeof(ListPage<FineTuningEvent>))]
    [JsonSerializable(typeof(ListPage<FineTuningCheckpoint>))]
    [JsonSerializable(typeof(ListPage<FineTuningFile>))]
    [JsonSerializable(typeof(CreateJobRequest))]
    [JsonSerializable(typeof(ErrorEnvelope))]
    [JsonSerializable(typeof(FineTuningUpload))]
    [JsonSerializable(typeof(FineTuningUploadPart))]
    [JsonSerializable(typeof(CreateUploadRequest))]
    [JsonSerializable(typeof(CompleteUploadRequest))]
    [JsonSerializable(typeof(JsonElement))]
    [JsonSerializable(typeof(Dictionary<string, string>))]
    public sealed partial class ClientJsonContext : JsonSerializerContext
    {
    }
}
