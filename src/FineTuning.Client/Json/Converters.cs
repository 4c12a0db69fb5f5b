using System;
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FineTuning.Client.Json
{
    /// <summary>Unix seconds (integer, or a number written with a fraction) to <see cref="DateTimeOffset"/>.</summary>
    public sealed class UnixTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                if (reader.TryGetInt64(out var seconds)) return FromSeconds(seconds);
                var value = reader.GetDouble();
                if (double.IsNaN(value) || value < MinSeconds || value > MaxSeconds) throw OutOfRange(value.ToString("R", CultureInfo.InvariantCulture));
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value * 1000));
            }
            if (reader.TokenType == JsonTokenType.String)
            {
                var s = reader.GetString();
                if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var secs)) return FromSeconds(secs);
                if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto)) return dto;
            }
            throw new JsonException($"Expected a Unix timestamp but found {reader.TokenType}.");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.ToUnixTimeSeconds());

        // The Unix seconds of 0001-01-01 and 9999-12-31T23:59:59, the range a DateTimeOffset holds.
        private const long MinSeconds = -62135596800;
        private const long MaxSeconds = 253402300799;

        private static DateTimeOffset FromSeconds(long seconds) =>
            seconds < MinSeconds || seconds > MaxSeconds ? throw OutOfRange(seconds.ToString(CultureInfo.InvariantCulture)) : DateTimeOffset.FromUnixTimeSeconds(seconds);

        private static JsonException OutOfRange(string value) =>
            new JsonException($"The time {value} is out of range: a Unix time in seconds must lie between the years 0001 and 9999.");
    }

    /// <summary>Nullable variant of <see cref="UnixTimeConverter"/>.</summary>
    public sealed class NullableUnixTimeConverter : JsonConverter<DateTimeOffset?>
    {
        private static readonly UnixTimeConverter Inner = new UnixTimeConverter();
        public override bool HandleNull => true;

        public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? (DateTimeOffset?)null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
        {
            if (value.HasValue) writer.WriteNumberValue(value.Value.ToUnixTimeSeconds());
            else writer.WriteNullValue();
        }
    }

    /// <summary>Integers that a service may write as <c>1.0</c> or <c>"1"</c>.</summary>
    public sealed class FlexibleInt64Converter : JsonConverter<long?>
    {
        public override bool HandleNull => true;

        public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null: return null;
                case JsonTokenType.Number:
                    return reader.TryGetInt64(out var l) ? l : Whole(reader.GetDouble());
                case JsonTokenType.String:
                    var s = reader.GetString();
                    if (string.IsNullOrEmpty(s)) return null;
                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return Whole(d);
                    break;
            }
            throw new JsonException($"Expected an integer but found {reader.TokenType}.");
        }

        /// <summary>A number written with a fraction, rounded; one beyond a 64-bit integer is an error, never clamped.</summary>
        private static long Whole(double value)
        {
            // 2^63 is the first double above long.MaxValue.
            if (double.IsNaN(value) || double.IsInfinity(value) || value >= 9223372036854775808.0 || value < -9223372036854775808.0)
                throw new JsonException($"The integer {value.ToString("R", CultureInfo.InvariantCulture)} is out of range (a 64-bit integer at most).");
            return (long)Math.Round(value);
        }

        public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
        {
            if (value.HasValue) writer.WriteNumberValue(value.Value);
            else writer.WriteNullValue();
        }
    }

    /// <summary>Reads "auto", a number, or null into a <see cref="HyperparameterValue"/>.</summary>
    public sealed class HyperparameterValueConverter : JsonConverter<HyperparameterValue?>
    {
        public override bool HandleNull => true;

        public override HyperparameterValue? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null: return null;
                case JsonTokenType.Number: return HyperparameterValue.FromNumber(reader.GetDouble());
                case JsonTokenType.String:
                    var s = reader.GetString() ?? string.Empty;
                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return HyperparameterValue.FromNumber(d);
                    return HyperparameterValue.FromText(s);
                default:
                    throw new JsonException($"Expected \"auto\" or a number but found {reader.TokenType}.");
            }
        }

        public override void Write(Utf8JsonWriter writer, HyperparameterValue? value, JsonSerializerOptions options)
        {
            if (value is null) { writer.WriteNullValue(); return; }
            var v = value.Value;
            if (v.Number.HasValue)
            {
                var n = v.Number.Value;
                if (Math.Abs(n - Math.Round(n)) < 1e-12 && Math.Abs(n) < long.MaxValue) writer.WriteNumberValue((long)Math.Round(n));
                else writer.WriteNumberValue(n);
            }
            else writer.WriteStringValue(v.Text);
        }
    }
}

namespace FineTuning.Client.Json
{
    /// <summary>
    /// Reads a job's <c>error</c>. Healthy jobs carry <c>{}</c> or an object whose fields are all null;
    /// both read as null so that "has an error" is simply "Error is not null".
    /// </summary>
    public sealed class JobErrorConverter : JsonConverter<FineTuning.Client.JobError?>
    {
        public override bool HandleNull => true;

        public override FineTuning.Client.JobError? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType == JsonTokenType.String)
            {
                var text = reader.GetString();
                return string.IsNullOrEmpty(text) ? null : new FineTuning.Client.JobError { Message = text };
            }
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Expected an object for 'error'.");
            var error = new FineTuning.Client.JobError();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                string? value = reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.StartObject or JsonTokenType.StartArray => SkipAndNull(ref reader),
                    _ => Encoding(ref reader),
                };
                switch (name)
                {
                    case "code": error.Code = value; break;
                    case "message": error.Message = value; break;
                    case "param": error.Param = value; break;
                }
            }
            return error.IsEmpty ? null : error;
        }

        private static string? SkipAndNull(ref Utf8JsonReader reader)
        {
            reader.Skip();
            return null;
        }

        private static string Encoding(ref Utf8JsonReader reader)
        {
            var span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
            return System.Text.Encoding.UTF8.GetString(span);
        }

        public override void Write(Utf8JsonWriter writer, FineTuning.Client.JobError? value, JsonSerializerOptions options)
        {
            if (value is null) { writer.WriteNullValue(); return; }
            writer.WriteStartObject();
            writer.WriteString("code", value.Code);
            writer.WriteString("message", value.Message);
            writer.WriteString("param", value.Param);
            writer.WriteEndObject();
        }
    }
}
