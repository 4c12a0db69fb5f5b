using System;
using System.Collections.Generic;
using System.Text.Json;

namespace FineTuning.Client.Json
{
    /// <summary>
    /// Reads a <see cref="FineTuningJob"/> straight off the bytes, for the calls that return one job (get,
    /// create, cancel, pause, resume): the job is the object a script reads most often, and the serializer's
    /// general machinery was most of the module's own cost per call. It reads the shapes the service sends
    /// and gives up (returns false) on anything else, so the caller falls back to the serializer, which then
    /// reads, or rejects, the body exactly as before. Properties with converters go through the same
    /// converters the serializer uses; unknown fields are kept in <see cref="ServiceObject.AdditionalProperties"/>.
    /// </summary>
    internal static class JobReader
    {
        private static readonly UnixTimeConverter Time = new UnixTimeConverter();
        private static readonly NullableUnixTimeConverter NullableTime = new NullableUnixTimeConverter();
        private static readonly FlexibleInt64Converter Int64 = new FlexibleInt64Converter();
        private static readonly JobErrorConverter Error = new JobErrorConverter();
        private static readonly HyperparameterValueConverter Hyper = new HyperparameterValueConverter();

        public static bool TryRead(ReadOnlySpan<byte> utf8, out FineTuningJob job)
        {
            job = null!;
            try
            {
                var reader = new Utf8JsonReader(utf8);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                var result = new FineTuningJob();
                if (!ReadJob(ref reader, result)) return false;
                // Only whitespace may follow the object.
                if (reader.Read()) return false;
                job = result;
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static bool ReadJob(ref Utf8JsonReader reader, FineTuningJob job)
        {
            var options = ClientJsonContext.Default.Options;
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject) return true;
                if (reader.ValueIsEscaped) return false;
                var name = reader.ValueSpan;
                if (!reader.Read()) return false;
                switch (name.Length)
                {
                    case 2 when name.SequenceEqual("id"u8):
                        if (!String(ref reader, out var id)) return false;
                        job.Id = id!;
                        break;
                    case 5 when name.SequenceEqual("model"u8):
                        if (!String(ref reader, out var model)) return false;
                        job.Model = model;
                        break;
                    case 5 when name.SequenceEqual("error"u8):
                        job.Error = Error.Read(ref reader, typeof(JobError), options);
                        break;
                    case 4 when name.SequenceEqual("seed"u8):
                        job.Seed = Int64.Read(ref reader, typeof(long?), options);
                        break;
                    case 6 when name.SequenceEqual("object"u8):
                        if (!String(ref reader, out var obj)) return false;
                        job.Object = obj;
                        break;
                    case 6 when name.SequenceEqual("status"u8):
                        if (!String(ref reader, out var status)) return false;
                        job.Status = status!;
                        break;
                    case 6 when name.SequenceEqual("method"u8):
                        if (reader.TokenType == JsonTokenType.Null) { job.Method = null; break; }
                        var method = new FineTuningMethod();
                        if (reader.TokenType != JsonTokenType.StartObject || !ReadMethod(ref reader, method)) return false;
                        job.Method = method;
                        break;
                    case 8 when name.SequenceEqual("metadata"u8):
                        if (!StringMap(ref reader, out var metadata)) return false;
                        job.Metadata = metadata;
                        break;
                    case 10 when name.SequenceEqual("created_at"u8):
                        job.CreatedAt = Time.Read(ref reader, typeof(DateTimeOffset), options);
                        break;
                    case 11 when name.SequenceEqual("finished_at"u8):
                        job.FinishedAt = NullableTime.Read(ref reader, typeof(DateTimeOffset?), options);
                        break;
                    case 12 when name.SequenceEqual("result_files"u8):
                        if (!StringList(ref reader, out var files)) return false;
                        job.ResultFiles = files;
                        break;
                    case 12 when name.SequenceEqual("integrations"u8):
                        job.Integrations = JsonSerializer.Deserialize(ref reader, ClientJsonContext.Default.ListJobIntegration);
                        break;
                    case 13 when name.SequenceEqual("training_file"u8):
                        if (!String(ref reader, out var training)) return false;
                        job.TrainingFile = training;
                        break;
                    case 13 when name.SequenceEqual("usage_metrics"u8):
                        job.UsageMetrics = reader.TokenType == JsonTokenType.Null ? (JsonElement?)null : JsonElement.ParseValue(ref reader);
                        break;
                    case 14 when name.SequenceEqual("trained_tokens"u8):
                        job.TrainedTokens = Int64.Read(ref reader, typeof(long?), options);
                        break;
                    case 15 when name.SequenceEqual("validation_file"u8):
                        if (!String(ref reader, out var validation)) return false;
                        job.ValidationFile = validation;
                        break;
                    case 15 when name.SequenceEqual("organization_id"u8):
                        if (!String(ref reader, out var org)) return false;
                        job.OrganizationId = org;
                        break;
                    case 15 when name.SequenceEqual("hyperparameters"u8):
                        if (!HyperparameterObject(ref reader, out var hyperparameters)) return false;
                        job.Hyperparameters = hyperparameters;
                        break;
                    case 16 when name.SequenceEqual("fine_tuned_model"u8):
                        if (!String(ref reader, out var tuned)) return false;
                        job.FineTunedModel = tuned;
                        break;
                    case 16 when name.SequenceEqual("estimated_finish"u8):
                        job.EstimatedFinish = NullableTime.Read(ref reader, typeof(DateTimeOffset?), options);
                        break;
                    case 18 when name.SequenceEqual("shared_with_openai"u8):
                        if (reader.TokenType == JsonTokenType.True) job.SharedWithOpenAI = true;
                        else if (reader.TokenType == JsonTokenType.False) job.SharedWithOpenAI = false;
                        else if (reader.TokenType == JsonTokenType.Null) job.SharedWithOpenAI = null;
                        else return false;
                        break;
                    case 20 when name.SequenceEqual("user_provided_suffix"u8):
                        if (!String(ref reader, out var suffix)) return false;
                        job.UserProvidedSuffix = suffix;
                        break;
                    default:
                        if (!Extra(ref reader, job, name)) return false;
                        break;
                }
            }
        }

        private static bool ReadMethod(ref Utf8JsonReader reader, FineTuningMethod method)
        {
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject) return true;
                if (reader.ValueIsEscaped) return false;
                var name = reader.ValueSpan;
                if (!reader.Read()) return false;
                if (name.SequenceEqual("type"u8))
                {
                    if (!String(ref reader, out var type)) return false;
                    method.Type = type;
                }
                else if (name.SequenceEqual("supervised"u8))
                {
                    if (!Settings(ref reader, out var s)) return false;
                    method.Supervised = s;
                }
                else if (name.SequenceEqual("dpo"u8))
                {
                    if (!Settings(ref reader, out var s)) return false;
                    method.Dpo = s;
                }
                else if (name.SequenceEqual("reinforcement"u8))
                {
                    if (!Settings(ref reader, out var s)) return false;
                    method.Reinforcement = s;
                }
                else if (!Extra(ref reader, method, name))
                {
                    return false;
                }
            }
        }

        private static bool Settings(ref Utf8JsonReader reader, out MethodSettings? settings)
        {
            settings = null;
            if (reader.TokenType == JsonTokenType.Null) return true;
            if (reader.TokenType != JsonTokenType.StartObject) return false;
            var result = new MethodSettings();
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject) break;
                if (reader.ValueIsEscaped) return false;
                var name = reader.ValueSpan;
                if (!reader.Read()) return false;
                if (name.SequenceEqual("hyperparameters"u8))
                {
                    if (!HyperparameterObject(ref reader, out var h)) return false;
                    result.Hyperparameters = h;
                }
                else if (name.SequenceEqual("grader"u8))
                {
                    result.Grader = reader.TokenType == JsonTokenType.Null ? (JsonElement?)null : JsonElement.ParseValue(ref reader);
                }
                else if (name.SequenceEqual("response_format"u8))
                {
                    result.ResponseFormat = reader.TokenType == JsonTokenType.Null ? (JsonElement?)null : JsonElement.ParseValue(ref reader);
                }
                else if (!Extra(ref reader, result, name))
                {
                    return false;
                }
            }
            settings = result;
            return true;
        }

        private static bool HyperparameterObject(ref Utf8JsonReader reader, out Hyperparameters? hyperparameters)
        {
            hyperparameters = null;
            if (reader.TokenType == JsonTokenType.Null) return true;
            if (reader.TokenType != JsonTokenType.StartObject) return false;
            var options = ClientJsonContext.Default.Options;
            var result = new Hyperparameters();
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject) break;
                if (reader.ValueIsEscaped) return false;
                var name = reader.ValueSpan;
                if (!reader.Read()) return false;
                if (name.SequenceEqual("n_epochs"u8)) result.NEpochs = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (name.SequenceEqual("batch_size"u8)) result.BatchSize = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (name.SequenceEqual("learning_rate_multiplier"u8)) result.LearningRateMultiplier = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (name.SequenceEqual("beta"u8)) result.Beta = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (name.SequenceEqual("reasoning_effort"u8)) result.ReasoningEffort = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (name.SequenceEqual("compute_multiplier"u8)) result.ComputeMultiplier = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (name.SequenceEqual("eval_interval"u8)) result.EvalInterval = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (name.SequenceEqual("eval_samples"u8)) result.EvalSamples = Hyper.Read(ref reader, typeof(HyperparameterValue?), options);
                else if (!Extra(ref reader, result, name)) return false;
            }
            hyperparameters = result;
            return true;
        }

        private static bool String(ref Utf8JsonReader reader, out string? value)
        {
            value = null;
            if (reader.TokenType == JsonTokenType.Null) return true;
            if (reader.TokenType != JsonTokenType.String) return false;
            value = reader.GetString();
            return true;
        }

        private static bool StringList(ref Utf8JsonReader reader, out List<string>? list)
        {
            list = null;
            if (reader.TokenType == JsonTokenType.Null) return true;
            if (reader.TokenType != JsonTokenType.StartArray) return false;
            var result = new List<string>();
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndArray) break;
                if (reader.TokenType != JsonTokenType.String) return false;
                result.Add(reader.GetString()!);
            }
            list = result;
            return true;
        }

        private static bool StringMap(ref Utf8JsonReader reader, out Dictionary<string, string>? map)
        {
            map = null;
            if (reader.TokenType == JsonTokenType.Null) return true;
            if (reader.TokenType != JsonTokenType.StartObject) return false;
            var result = new Dictionary<string, string>();
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var key = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || result.ContainsKey(key)) return false;
                result[key] = reader.GetString()!;
            }
            map = result;
            return true;
        }

        /// <summary>A field this version does not model: kept as JSON. A repeated one is left to the serializer.</summary>
        private static bool Extra(ref Utf8JsonReader reader, ServiceObject owner, ReadOnlySpan<byte> name)
        {
            var key = System.Text.Encoding.UTF8.GetString(name.ToArray());
            owner.AdditionalProperties ??= new Dictionary<string, JsonElement>();
            if (owner.AdditionalProperties.ContainsKey(key)) return false;
            owner.AdditionalProperties[key] = JsonElement.ParseValue(ref reader);
            return true;
        }
    }
}
