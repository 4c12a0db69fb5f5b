using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>
/// Compares JSON documents by meaning: property order ignored, an absent property equals a null one,
/// numbers compared by value (1 equals 1.0), and a job's "error" of {} or all nulls equals no error.
/// </summary>
public static class JsonAssert
{
    public static void Equivalent(string expected, string actual) =>
        Assert.Equal(Canonical(expected), Canonical(actual));

    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var sb = new StringBuilder();
        Write(doc.RootElement, sb, null);
        return sb.ToString();
    }

    private static bool IsEmptyError(string? name, JsonElement value) =>
        name == "error" && value.ValueKind == JsonValueKind.Object &&
        value.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Null);

    private static void Write(JsonElement e, StringBuilder sb, string? name)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (p.Value.ValueKind == JsonValueKind.Null || IsEmptyError(p.Name, p.Value)) continue;
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append('\n').Append(p.Name).Append(':');
                    Write(p.Value, sb, p.Name);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (i++ > 0) sb.Append(',');
                    Write(item, sb, null);
                }
                sb.Append(']');
                break;
            case JsonValueKind.Number:
                sb.Append(e.GetDecimal().ToString("0.############################", CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(e.GetRawText());
                break;
        }
    }
}
