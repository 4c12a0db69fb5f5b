using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;
using static FineTuning.Datasets.LineContext;

namespace FineTuning.Datasets
{
    /// <summary>
    /// A list of messages, wherever it appears (a chat or reinforcement line, a preference example's input and outputs):
    /// each message's role, content (a string or text and image parts), name, weight, tool_call_id and refusal, with the
    /// tokens each message counts for and those the assistant messages train. Tool calls are checked by <see cref="ToolChecker"/>.
    /// </summary>
    internal static class MessageChecker
    {
        private static readonly HashSet<string> MessageKeys = new HashSet<string>(StringComparer.Ordinal)
            { "role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal" };

        private static readonly string[] Roles = { "system", "developer", "user", "assistant", "tool", "function" };
        private static readonly string[] ContentPartTypes = { "text", "image_url" };

        internal enum MessageContext { Line, PreferenceInput, PreferenceOutput }

        internal struct MessagesResult
        {
            public int Tokens, Trained, Assistants, TrainedAssistants;
            public string? LastRole;
        }

        public static MessagesResult CheckMessages(LineContext ctx, JsonElement messages, string prefix, MessageContext context)
        {
            var r = new MessagesResult();
            int i = 0;
            foreach (var m in messages.EnumerateArray())
            {
                var path = Indexed(prefix, i);
                i++;
                if (m.ValueKind != JsonValueKind.Object)
                {
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidMessage,
                        $"A message must be an object with 'role' and 'content', not {Describe(m.ValueKind)}.", path);
                    r.LastRole = null;
                    continue;
                }
                CheckMessage(ctx, m, path, context, ref r);
            }
            return r;
        }

        private static void CheckMessage(LineContext ctx, JsonElement m, string path, MessageContext context, ref MessagesResult r)
        {
            string? role = null;
            if (m.TryGetProperty("role", out var roleEl))
            {
                if (roleEl.ValueKind == JsonValueKind.String) role = ReadRole(roleEl);
                else ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingRole,
                    $"'role' must be a string such as \"user\" or \"assistant\", not {Describe(roleEl.ValueKind)}.", path + ".role");
            }
            else
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingRole,
                    "The message has no 'role'. Add \"role\": \"system\", \"user\", \"assistant\" or \"tool\".", path);
            }
            r.LastRole = role;

            int tokens = 3 + ctx.CountRole(role);
            bool known = true;
            switch (role)
            {
                case null: known = false; break;
                case "system": case "user": case "assistant": case "developer": case "tool": break;
                case "function":
                    if (context == MessageContext.Line)
                        ctx.Add(FindingScope.ReinforcementOnly, FindingSeverity.Error, FindingCodes.UnknownRole,
                            "Role 'function' is not accepted in reinforcement examples; use an assistant tool call and a 'tool' message.", path + ".role");
                    else
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnknownRole,
                            "Role 'function' is not accepted in preference examples.", path + ".role");
                    break;
                default:
                    known = false;
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnknownRole,
                        $"Unknown role '{role}'.{Suggestions.DidYouMean(role, Roles)} Use system, developer, user, assistant, tool or function.", path + ".role");
                    break;
            }

            bool isAssistant = role == "assistant";
            bool hasToolCalls = false, hasFunctionCall = false;
            double weight = 1;
            int callTokens = 0;

            foreach (var p in m.EnumerateObject())
            {
                string PP() => path + "." + p.Name;
                switch (p.Name)
                {
                    case "role": case "content": break;
                    case "name":
                        if (p.Value.ValueKind == JsonValueKind.String) tokens += ctx.CountString(p.Value) + 1;
                        else ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                            $"'name' must be a string, not {Describe(p.Value.ValueKind)}.", PP());
                        break;
                    case "weight":
                        if (!isAssistant)
                            ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidWeight,
                                "'weight' applies only to assistant messages; remove it from this message.", PP());
                        else if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out weight) || (weight != 0 && weight != 1))
                        {
                            ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidWeight,
                                $"'weight' must be 0 (do not train on this message) or 1 (train on it), not {Raw(p.Value)}.", PP());
                            weight = 1;
                        }
                        break;
                    case "tool_calls":
                        hasToolCalls = true;
                        callTokens += ToolChecker.CheckToolCalls(ctx, p.Value, PP(), isAssistant);
                        break;
                    case "function_call":
                        hasFunctionCall = true;
                        callTokens += ToolChecker.CheckFunctionCall(ctx, p.Value, PP(), isAssistant);
                        break;
                    case "tool_call_id":
                        if (p.Value.ValueKind == JsonValueKind.String && role == "tool") tokens += ctx.CountString(p.Value);
                        else if (role != "tool")
                            ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                                "'tool_call_id' belongs only on tool messages; remove it.", PP());
                        else ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                            $"'tool_call_id' must be a string, not {Describe(p.Value.ValueKind)}.", PP());
                        break;
                    case "refusal":
                        if (!isAssistant || (p.Value.ValueKind != JsonValueKind.String && p.Value.ValueKind != JsonValueKind.Null))
                            ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                                "'refusal' is allowed only on assistant messages, as a string or null.", PP());
                        else if (p.Value.ValueKind == JsonValueKind.String) callTokens += ctx.CountString(p.Value);
                        break;
                    default:
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}' in a message.{Suggestions.DidYouMean(p.Name, MessageKeys)} Messages may hold role, content, name, weight, tool_calls, tool_call_id and function_call; remove it.", PP());
                        break;
                }
            }

            if (role == "tool" && !m.TryGetProperty("tool_call_id", out _))
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                    "The tool message has no 'tool_call_id'. Set it to the id of the assistant tool call it answers.", path);
            if (role == "function" && !(m.TryGetProperty("name", out var fn) && fn.ValueKind == JsonValueKind.String))
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFunctionCall,
                    "The function message has no 'name'. Set it to the name of the function whose result it carries.", path);

            int contentTokens = known || role == null ? CheckContent(ctx, m, path, role, isAssistant && (hasToolCalls || hasFunctionCall), context) : 0;
            tokens += contentTokens + callTokens;
            r.Tokens += tokens;
            if (isAssistant)
            {
                r.Assistants++;
                if (weight != 0)
                {
                    r.TrainedAssistants++;
                    r.Trained += contentTokens + callTokens;
                }
            }
        }

        private static int CheckContent(LineContext ctx, JsonElement m, string path, string? role, bool hasCalls, MessageContext context)
        {
            if (!m.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            {
                if (!hasCalls && role != null)
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingContent,
                        role == "assistant"
                            ? "The assistant message has no content and no tool_calls. Add the answer as \"content\"."
                            : $"The {role} message has no 'content'. Add \"content\": \"...\".",
                        content.ValueKind == JsonValueKind.Null ? path + ".content" : path);
                return 0;
            }
            switch (content.ValueKind)
            {
                case JsonValueKind.String:
                    if (!hasCalls && (role == "assistant" || role == "user") && JsonMarshal.GetRawUtf8Value(content).Length == 2)
                        ctx.Add(FindingScope.All, FindingSeverity.Warning, FindingCodes.EmptyContent,
                            $"The {role} message's content is empty. Write the text or drop the message.", path + ".content");
                    return ctx.CountString(content);
                case JsonValueKind.Array:
                    return CheckParts(ctx, content, path + ".content", role, context);
                default:
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        $"'content' must be a string or an array of content parts, not {Describe(content.ValueKind)}.", path + ".content");
                    return 0;
            }
        }

        private static int CheckParts(LineContext ctx, JsonElement parts, string cpath, string? role, MessageContext context)
        {
            int tokens = 0, i = 0;
            if (parts.GetArrayLength() == 0)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                    "'content' is an empty array. Give a string or at least one content part.", cpath);
            foreach (var part in parts.EnumerateArray())
            {
                var ppath = cpath + "[" + i + "]";
                i++;
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        "A content part must be an object with a 'type' of \"text\" or \"image_url\".", ppath);
                    continue;
                }
                var t = type.GetString();
                if (t == "text")
                {
                    if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String) tokens += ctx.CountString(text);
                    else ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        "A text part needs \"text\": \"...\" as a string.", ppath + ".text");
                }
                else if (t == "image_url")
                {
                    ctx.Info.Images++;
                    if (role != "user")
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            $"Images are allowed only in user messages, not in a {role ?? "role-less"} message.", ppath);
                    else if (context != MessageContext.Line)
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            "Preference (DPO) examples are text only; remove the image.", ppath);
                    if (!part.TryGetProperty("image_url", out var img) || img.ValueKind != JsonValueKind.Object ||
                        !img.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String || url.GetString()!.Length == 0)
                    {
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            "An image part needs \"image_url\": {\"url\": \"https://... or data:image/...;base64,...\"}.", ppath + ".image_url");
                    }
                    else if (img.TryGetProperty("detail", out var detail) &&
                             !(detail.ValueKind == JsonValueKind.String && (detail.ValueEquals("low") || detail.ValueEquals("high") || detail.ValueEquals("auto"))))
                    {
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            $"image_url.detail must be \"low\", \"high\" or \"auto\", not {Raw(detail)}.", ppath + ".image_url.detail");
                    }
                }
                else
                {
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        $"Content part type '{t}' is not accepted for fine-tuning;{Suggestions.DidYouMean(t, ContentPartTypes)} use \"text\" or (in user messages) \"image_url\".", ppath + ".type");
                }
            }
            return tokens;
        }

        private static readonly string[] MessagePaths = BuildPaths("messages", 256);

        private static string[] BuildPaths(string prefix, int n)
        {
            var a = new string[n];
            for (int i = 0; i < n; i++) a[i] = prefix + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
            return a;
        }

        private static string Indexed(string prefix, int i) =>
            prefix == "messages" && i < MessagePaths.Length ? MessagePaths[i] : prefix + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

        private static string? ReadRole(JsonElement e)
        {
            if (e.ValueEquals("user")) return "user";
            if (e.ValueEquals("assistant")) return "assistant";
            if (e.ValueEquals("system")) return "system";
            if (e.ValueEquals("tool")) return "tool";
            if (e.ValueEquals("developer")) return "developer";
            return e.GetString();
        }
    }
}
