using System.Text.Json;
using static FineTuning.Datasets.LineContext;

namespace FineTuning.Datasets
{
    /// <summary>
    /// A preference (DPO) example: <c>input</c> with the prompt's messages (and tools), <c>preferred_output</c> and
    /// <c>non_preferred_output</c>, each a non-empty list of assistant (and tool) messages ending with the assistant's answer.
    /// </summary>
    internal static class PreferenceChecker
    {
        private static readonly string[] PreferenceKeys = { "input", "preferred_output", "non_preferred_output" };
        private static readonly string[] InputKeys = { "messages", "tools", "parallel_tool_calls" };

        public static void Check(LineContext ctx, JsonElement root)
        {
            int tokens = 3, trained = 0;
            bool input = false, preferred = false, nonPreferred = false;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "input":
                        input = true;
                        tokens += CheckPreferenceInput(ctx, p.Value);
                        break;
                    case "preferred_output":
                        preferred = true;
                        { var (t, tr) = CheckPreferenceOutput(ctx, p.Value, p.Name, FindingCodes.MissingPreferredOutput); tokens += t; trained += tr; }
                        break;
                    case "non_preferred_output":
                        nonPreferred = true;
                        { var (t, tr) = CheckPreferenceOutput(ctx, p.Value, p.Name, FindingCodes.MissingNonPreferredOutput); tokens += t; trained += tr; }
                        break;
                    default:
                        var hint = p.Name == "preferred_completion" || p.Name == "non_preferred_completion"
                            ? $" Rename it to '{p.Name.Replace("_completion", "_output")}'." : " Remove it.";
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}'.{Suggestions.DidYouMean(p.Name, PreferenceKeys)} A preference example holds input, preferred_output and non_preferred_output.{hint}", p.Name);
                        break;
                }
            }
            if (!input)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
                    "The preference example has no 'input'. Add \"input\": {\"messages\": [...]} with the prompt turns.", "input");
            if (!preferred)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingPreferredOutput,
                    "The preference example has no 'preferred_output'. Add an array holding the better assistant message.", "preferred_output");
            if (!nonPreferred)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingNonPreferredOutput,
                    "The preference example has no 'non_preferred_output'. Add an array holding the worse assistant message.", "non_preferred_output");
            ctx.Info.Tokens = tokens;
            ctx.Info.Trained = trained;
            ctx.Info.HasAssistant = preferred;
        }

        private static int CheckPreferenceInput(LineContext ctx, JsonElement input)
        {
            if (input.ValueKind != JsonValueKind.Object)
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
                    $"'input' must be an object such as {{\"messages\": [...]}}, not {Describe(input.ValueKind)}.", "input");
                return 0;
            }
            int tokens = 0;
            bool hasMessages = false;
            foreach (var p in input.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "messages":
                        hasMessages = true;
                        if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0)
                            ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
                                "'input.messages' must be a non-empty array of the prompt's messages.", "input.messages");
                        else
                        {
                            var r = MessageChecker.CheckMessages(ctx, p.Value, "input.messages", MessageChecker.MessageContext.PreferenceInput);
                            tokens += r.Tokens;
                        }
                        break;
                    case "tools": tokens += ToolChecker.CheckTools(ctx, p.Value, "input.tools", FindingScope.All); break;
                    case "parallel_tool_calls":
                        if (p.Value.ValueKind != JsonValueKind.True && p.Value.ValueKind != JsonValueKind.False)
                            ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                                $"parallel_tool_calls must be true or false, not {Describe(p.Value.ValueKind)}.", "input.parallel_tool_calls");
                        break;
                    default:
                        ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}' in 'input'.{Suggestions.DidYouMean(p.Name, InputKeys)} It may hold messages, tools and parallel_tool_calls; remove it.", "input." + p.Name);
                        break;
                }
            }
            if (!hasMessages)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
                    "'input' has no 'messages'. Put the prompt turns in input.messages.", "input.messages");
            return tokens;
        }

        private static (int Tokens, int Trained) CheckPreferenceOutput(LineContext ctx, JsonElement value, string name, string code)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                ctx.Add(FindingScope.All, FindingSeverity.Error, code,
                    $"'{name}' must be a non-empty array ending with one assistant message, not {(value.ValueKind == JsonValueKind.Array ? "an empty array" : Describe(value.ValueKind))}.", name);
                return (0, 0);
            }
            var r = MessageChecker.CheckMessages(ctx, value, name, MessageChecker.MessageContext.PreferenceOutput);
            int i = 0;
            foreach (var m in value.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String &&
                    !role.ValueEquals("assistant") && !role.ValueEquals("tool"))
                {
                    ctx.Add(FindingScope.All, FindingSeverity.Error, code,
                        $"'{name}' holds the assistant's answer; a message with role '{role.GetString()}' belongs in input.messages.", $"{name}[{i}]");
                    return (r.Tokens, r.Trained);
                }
                i++;
            }
            if (r.LastRole != null && r.LastRole != "assistant")
                ctx.Add(FindingScope.All, FindingSeverity.Error, code,
                    $"'{name}' must end with an assistant message; its last message has role '{r.LastRole}'.", $"{name}[{value.GetArrayLength() - 1}]");
            return (r.Tokens, r.Trained);
        }
    }
}
