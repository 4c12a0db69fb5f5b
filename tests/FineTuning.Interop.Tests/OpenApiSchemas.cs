using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace FineTuning.Interop.Tests;

/// <summary>
/// The response schemas of the official OpenAPI description of the fine-tuning API
/// (../shared/reference/openapi-fine-tuning.yaml beside the clone), ready to validate answers with.
/// </summary>
public sealed class OpenApiSchemas
{
    private static readonly Uri BaseUri = new("https://finetuning.test/openapi-fine-tuning");
    private readonly JsonObject _paths;
    private readonly BuildOptions _build;
    private readonly Dictionary<string, JsonSchema> _byName = new(StringComparer.Ordinal);

    private OpenApiSchemas(JsonObject document)
    {
        _paths = document["paths"]!.AsObject();
        FollowTheService(document["components"]!["schemas"]!.AsObject());
        // The component schemas become $defs of one schema resource, so their '#/components/schemas/X' references
        // (rewritten to '#/$defs/X') resolve with the standard keywords.
        var defs = JsonNode.Parse(document["components"]!["schemas"]!.ToJsonString()
            .Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = BaseUri.AbsoluteUri,
            ["$defs"] = defs,
        };
        _build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.Build(JsonDocument.Parse(root.ToJsonString()).RootElement, _build, BaseUri);
    }

    /// <summary>
    /// Where the description and the service it describes differ, the emulator follows the service (docs/emulator.md
    /// lists these), and so does the check: a job's status may be <c>paused</c> (the description's own pause example
    /// answers it; its enum is known to lag), and a file's deprecated <c>status_details</c> is null, as the service sends
    /// it, where the description says string.
    /// </summary>
    private static void FollowTheService(JsonObject schemas)
    {
        schemas["FineTuningJob"]!["properties"]!["status"]!["enum"]!.AsArray().Add("paused");
        schemas["OpenAIFile"]!["properties"]!["status_details"]!["type"] = new JsonArray("string", "null");
    }

    /// <summary>The description from ../shared/reference, found by walking up from the test's folder.</summary>
    public static OpenApiSchemas Load()
    {
        var path = Locate();
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        var document = (JsonObject)ToJson(yaml.Documents[0].RootNode)!;
        return new OpenApiSchemas(document);
    }

    private static string Locate()
    {
        var tried = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference", "openapi-fine-tuning.yaml");
            tried.Add(candidate);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            "The official OpenAPI description is missing: these tests read ../shared/reference/openapi-fine-tuning.yaml beside the clone " +
            "(CI puts ../shared there). Looked for: " + string.Join(", ", tried.Take(8)));
    }

    /// <summary>The schema of a component by name, e.g. FineTuningJob.</summary>
    public JsonSchema Component(string name)
    {
        if (!_byName.TryGetValue(name, out var schema))
        {
            var reference = new JsonObject { ["$ref"] = BaseUri.AbsoluteUri + "#/$defs/" + name };
            schema = JsonSchema.Build(JsonDocument.Parse(reference.ToJsonString()).RootElement, _build,
                new Uri($"https://finetuning.test/component/{name}"));
            _byName[name] = schema;
        }
        return schema;
    }

    /// <summary>
    /// The name of the component the description gives for a 200 answer to <paramref name="method"/> on a concrete API
    /// path (/fine_tuning/jobs/ftjob-1/events), or null when the answer is not JSON.
    /// </summary>
    public string? ResponseComponent(string method, string path)
    {
        var template = MatchTemplate(path) ?? throw new InvalidOperationException($"The description has no path for {method} {path}.");
        var operation = _paths[template]![method.ToLowerInvariant()]
            ?? throw new InvalidOperationException($"The description has no {method} for {template}.");
        var content = operation["responses"]?["200"]?["content"]?.AsObject()
            ?? throw new InvalidOperationException($"The description declares no 200 answer for {method} {template}.");
        if (content["application/json"]?["schema"]?["$ref"] is not JsonValue reference) return null;
        var text = reference.GetValue<string>();
        return text.Substring(text.LastIndexOf('/') + 1);
    }

    private string? MatchTemplate(string path)
    {
        var segments = path.Trim('/').Split('/');
        foreach (var (template, _) in _paths)
        {
            var parts = template.Trim('/').Split('/');
            if (parts.Length != segments.Length) continue;
            var ok = true;
            for (var i = 0; i < parts.Length && ok; i++)
                ok = parts[i].StartsWith('{') || string.Equals(parts[i], Uri.UnescapeDataString(segments[i]), StringComparison.Ordinal);
            if (ok) return template;
        }
        return null;
    }

    /// <summary>Every failure of <paramref name="answer"/> against the component, one line each; empty when it validates.</summary>
    public IReadOnlyList<string> Problems(string component, JsonElement answer)
    {
        var results = Component(component).Evaluate(answer, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var problems = new List<string>();
        if (!results.IsValid) Collect(results, problems);
        if (!results.IsValid && problems.Count == 0) problems.Add("invalid (no details)");
        return problems;
    }

    /// <summary>The errors of a failed node and of its failed children; branches that passed (an anyOf's match) are left out.</summary>
    private static void Collect(EvaluationResults node, List<string> problems)
    {
        if (node.Errors != null)
        {
            foreach (var (keyword, message) in node.Errors)
                problems.Add($"{node.InstanceLocation} ({node.EvaluationPath}, {keyword}): {message}");
        }
        if (node.Details is null) return;
        foreach (var child in node.Details)
        {
            if (!child.IsValid) Collect(child, problems);
        }
    }

    private static readonly Regex Integer = new(@"^-?(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant);
    private static readonly Regex Real = new(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

    /// <summary>A YAML node as JSON: plain scalars typed as YAML 1.2's core schema types them, quoted ones kept as strings.</summary>
    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children) obj[((YamlScalarNode)key).Value!] = ToJson(value);
                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var item in seq.Children) array.Add(ToJson(item));
                return array;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? string.Empty;
                if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted
                    or YamlDotNet.Core.ScalarStyle.Literal or YamlDotNet.Core.ScalarStyle.Folded)
                    return JsonValue.Create(text);
                if (text is "null" or "~" or "") return null;
                if (text is "true") return JsonValue.Create(true);
                if (text is "false") return JsonValue.Create(false);
                if (Integer.IsMatch(text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                if (Real.IsMatch(text)) return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
                return JsonValue.Create(text);
            default:
                throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}.");
        }
    }
}
