using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace FineTuning.Client
{
    /// <summary>Turns plain .NET values (dictionaries, lists, strings, numbers, booleans) into JSON.</summary>
    public static class JsonValueConverter
    {
        public static JsonElement FromObject(object? value)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                Write(writer, value, 0);
            }
            using var doc = JsonDocument.Parse(stream.ToArray());
            return doc.RootElement.Clone();
        }

        private static void Write(Utf8JsonWriter w, object? value, int depth)
        {
            if (depth > 64) throw new ArgumentException("The value is nested too deeply (more than 64 levels) to turn into JSON.");
            switch (value)
            {
                case null: w.WriteNullValue(); break;
                case string s: w.WriteStringValue(s); break;
                case bool b: w.WriteBooleanValue(b); break;
                case char c: w.WriteStringValue(c.ToString()); break;
                case JsonElement e: e.WriteTo(w); break;
                case Enum en: w.WriteStringValue(en.ToString()); break;
                case DateTimeOffset dto: w.WriteNumberValue(dto.ToUnixTimeSeconds()); break;
                case DateTime dt: w.WriteNumberValue(new DateTimeOffset(dt.ToUniversalTime()).ToUnixTimeSeconds()); break;
                case byte or sbyte or short or ushort or int or uint or long: w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
                case ulong ul: w.WriteNumberValue(ul); break;
                case float or double: w.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
                case decimal m: w.WriteNumberValue(m); break;
                case IDictionary dict:
                    w.WriteStartObject();
                    foreach (DictionaryEntry kv in dict)
                    {
                        w.WritePropertyName(Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        Write(w, kv.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    break;
                case IEnumerable list:
                    w.WriteStartArray();
                    foreach (var item in list) Write(w, item, depth + 1);
                    w.WriteEndArray();
                    break;
                default:
                    w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }
}
