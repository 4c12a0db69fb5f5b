using System.Text.Json;
using static FineTuning.Datasets.LineContext;

namespace FineTuning.Datasets
{
    /// <summary>
    /// A line with <c>messages</c>, read both ways it can be meant: as a chat example (it must have an assistant message
    /// that trains something) and as a reinforcement example (it ends with the user's prompt). Findings of one reading are
    /// scoped to it (<see cref="FindingScope"/>); the aggregator keeps those of the file's method.
    /// </summary>
    internal static class MessagesLineChecker
    {
        private static readonly string[] ChatKeys = { "messages", "tools", "parallel_tool_calls", "functions" };

        internal const int MaxImagesPerExample = 10;

        public static void Check(LineContext ctx, JsonElement root)
        {
            int tokens = 3; // every reply is primed with <|start|>assistant<|message|>
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "messages": break;
                    case "tools": tokens += ToolChecker.CheckTools(ctx, p.Value, "tools", FindingScope.All); break;
                    case "functions": tokens += ToolChecker.CheckFunctions(ctx, p.Value, "functions"); break;
                    case "parallel_tool_calls":
                        if (p.Value.ValueKind != JsonValueKind.True && p.Value.ValueKind != JsonValueKind.False)
                            ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                                $"parallel_tool_calls must be true or false, not {Describe(p.Value.ValueKind)}.", "parallel_tool_calls");
                        break;
                    default:
                        ctx.Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}'.{Suggestions.DidYouMean(p.Name, ChatKeys)} A chat example may hold only messages, tools, parallel_tool_calls and functions; remove it.", p.Name);
                        break;
                }
            }

            var messages = root.GetProperty("messages");
            if (messages.ValueKind != JsonValueKind.Array)
            {
                ctx.Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.MissingMessages,
                    $"'messages' must be an array of message objects, not {Describe(messages.ValueKind)}.", "messages");
                ctx.Add(FindingScope.ReinforcementOnly, FindingSeverity.Error, FindingCodes.ReinforcementMissingMessages,
                    $"'messages' must be an array of message objects, not {Describe(messages.ValueKind)}.", "messages");
                return;
            }
            if (messages.GetArrayLength() == 0)
            {
                ctx.Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.EmptyMessages,
                    "'messages' is empty. Add at least a user message and the assistant's answer.", "messages");
                ctx.Add(FindingScope.ReinforcementOnly, FindingSeverity.Error, FindingCodes.ReinforcementMissingMessages,
                    "'messages' is empty. A reinforcement example needs the prompt messages, ending with a user message.", "messages");
                return;
            }

            var r = MessageChecker.CheckMessages(ctx, messages, "messages", MessageChecker.MessageContext.Line);
            tokens += r.Tokens;
            if (ctx.Info.Images > MaxImagesPerExample)
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.TooManyImages,
                    $"The example holds {ctx.Info.Images} images; at most {MaxImagesPerExample} are allowed per example. Split it or drop images.", "messages");
            ctx.Info.Tokens = tokens;
            ctx.Info.Trained = r.Trained;
            ctx.Info.HasAssistant = r.Assistants > 0;
            ctx.Info.LastIsAssistant = r.LastRole == "assistant";
            if (r.Assistants == 0)
                ctx.Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.NoAssistantMessage,
                    "The example has no assistant message, so there is nothing to learn. Add the assistant's answer as the last message.", "messages");
            else if (r.TrainedAssistants == 0)
                ctx.Add(FindingScope.ChatOnly, FindingSeverity.Warning, FindingCodes.NothingToTrain,
                    "Every assistant message has weight 0, so the example trains nothing. Set weight 1 on at least one of them or drop the example.", "messages");
            if (r.LastRole != null && r.LastRole != "user")
                ctx.Add(FindingScope.ReinforcementOnly, FindingSeverity.Warning, FindingCodes.LastMessageNotUser,
                    $"The last message has role '{r.LastRole}'. In reinforcement fine-tuning the model writes the answer, so end with a user message.",
                    $"messages[{messages.GetArrayLength() - 1}]");
        }
    }
}
