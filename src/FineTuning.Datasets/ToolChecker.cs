using System.Text.Json;
using static FineTuning.Datasets.LineContext;

namespace FineTuning.Datasets
{
    /// <summary>
    /// The function-calling parts of an example: an assistant message's <c>tool_calls</c> and legacy <c>function_call</c>
    /// (an id, type "function", a name, and arguments that are a string holding JSON), and the line's <c>tools</c> and
    /// deprecated <c>functions</c> definitions. Each check returns the tokens the part counts for.
    /// </summary>
    internal static class ToolChecker
    {
        public static int CheckToolCalls(LineContext ctx, JsonElement calls, string path, bool isAssistant)
        {
            if (!isAssistant)
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                    "Only assistant messages may carry 'tool_calls'.", path);
                return 0;
            }
            if (calls.ValueKind != JsonValueKind.Array || calls.GetArrayLength() == 0)
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                    "'tool_calls' must be a non-empty array of {id, type: \"function\", function: {name, arguments}}.", path);
                return 0;
            }
            int tokens = 0, i = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var cpath = path + "[" + i + "]";
                i++;
                if (call.ValueKind != JsonValueKind.Object)
                {
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall, "A tool call must be an object.", cpath);
                    continue;
                }
                if (!call.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                        "The tool call needs a non-empty string 'id' (the tool message answers it with tool_call_id).", cpath + ".id");
                if (!call.TryGetProperty("type", out var type) || !(type.ValueKind == JsonValueKind.String && type.ValueEquals("function")))
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                        "The tool call needs \"type\": \"function\".", cpath + ".type");
                if (!call.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object)
                {
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                        "The tool call needs \"function\": {\"name\": ..., \"arguments\": \"{...}\"}.", cpath + ".function");
                    continue;
                }
                tokens += CheckCallBody(ctx, fn, cpath + ".function", FindingCodes.InvalidToolCall);
            }
            return tokens;
        }

        public static int CheckFunctionCall(LineContext ctx, JsonElement fc, string path, bool isAssistant)
        {
            if (!isAssistant)
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFunctionCall,
                    "Only assistant messages may carry 'function_call'.", path);
                return 0;
            }
            if (fc.ValueKind != JsonValueKind.Object)
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFunctionCall,
                    "'function_call' must be an object {\"name\": ..., \"arguments\": \"{...}\"}.", path);
                return 0;
            }
            return CheckCallBody(ctx, fc, path, FindingCodes.InvalidFunctionCall);
        }

        private static int CheckCallBody(LineContext ctx, JsonElement fn, string path, string code)
        {
            int tokens = 0;
            if (fn.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString()!.Length > 0)
                tokens += ctx.CountString(name);
            else
                ctx.Add(FindingScope.All, FindingSeverity.Error, code, "The call needs a non-empty string 'name'.", path + ".name");
            if (fn.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String)
            {
                var text = args.GetString()!;
                tokens += ctx.Count(text);
                try
                {
                    using var _ = JsonDocument.Parse(text);
                }
                catch (JsonException)
                {
                    ctx.Add(FindingScope.All, FindingSeverity.Error, code,
                        "'arguments' must be a string holding JSON (for example \"{\\\"city\\\": \\\"Paris\\\"}\"); this string does not parse.", path + ".arguments");
                }
            }
            else
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, code,
                    "'arguments' must be a string holding JSON, e.g. \"{}\" (an object must be serialized to a string).", path + ".arguments");
            }
            return tokens;
        }

        public static int CheckTools(LineContext ctx, JsonElement tools, string path, FindingScope scope)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                ctx.Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool,
                    "'tools' must be an array of {\"type\": \"function\", \"function\": {\"name\": ...}}.", path);
                return 0;
            }
            int i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var tpath = path + "[" + i + "]";
                i++;
                if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || !type.ValueEquals("function"))
                {
                    ctx.Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "A tool must be an object with \"type\": \"function\".", tpath);
                    continue;
                }
                if (!tool.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object)
                {
                    ctx.Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "A tool needs \"function\": {\"name\": ..., \"parameters\": {...}}.", tpath + ".function");
                    continue;
                }
                CheckFunctionDefinition(ctx, fn, tpath + ".function", scope);
            }
            return ctx.Count(tools.GetRawText());
        }

        public static int CheckFunctions(LineContext ctx, JsonElement functions, string path)
        {
            if (functions.ValueKind != JsonValueKind.Array || functions.GetArrayLength() == 0 || functions.GetArrayLength() > 128)
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidTool,
                    "'functions' (deprecated; prefer 'tools') must be an array of 1 to 128 function definitions.", path);
                return 0;
            }
            int i = 0;
            foreach (var fn in functions.EnumerateArray())
            {
                if (fn.ValueKind != JsonValueKind.Object)
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidTool, "A function definition must be an object.", path + "[" + i + "]");
                else CheckFunctionDefinition(ctx, fn, path + "[" + i + "]", FindingScope.All);
                i++;
            }
            return ctx.Count(functions.GetRawText());
        }

        private static void CheckFunctionDefinition(LineContext ctx, JsonElement fn, string path, FindingScope scope)
        {
            if (!fn.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                ctx.Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "The function needs a non-empty string 'name'.", path + ".name");
            if (fn.TryGetProperty("description", out var d) && d.ValueKind != JsonValueKind.String)
                ctx.Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "'description' must be a string.", path + ".description");
            if (fn.TryGetProperty("parameters", out var pars) && pars.ValueKind != JsonValueKind.Object)
                ctx.Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "'parameters' must be a JSON Schema object.", path + ".parameters");
        }
    }
}
