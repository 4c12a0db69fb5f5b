using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using FineTuning.Datasets;

namespace FineTuning.Emulator
{
    /// <summary>One example as the trainer sees it: its tokens and which of them are trained.</summary>
    internal sealed class TrainingExample
    {
        /// <summary>Every token of the example in order (context then output).</summary>
        public int[] Tokens = Array.Empty<int>();
        /// <summary>True where the token is trained on (assistant messages with weight 1, completions).</summary>
        public bool[] Trained = Array.Empty<bool>();
        /// <summary>For preference data: the rejected output's tokens, scored after the same context.</summary>
        public int[]? Rejected;
        public int ContextLength;
    }

    /// <summary>
    /// Turns an example the dataset validator accepted into tokens for the trainer. It checks nothing: the rules live in
    /// FineTuning.Datasets, which hands over only lines without errors.
    /// </summary>
    internal static class ExampleEncoder
    {
        public static TrainingExample Encode(JsonElement root, TokenCounter counter)
        {
            var tokens = new List<int>();
            var trained = new List<bool>();
            var format = root.TryGetProperty("input", out _) || root.TryGetProperty("preferred_output", out _) ? DatasetFormat.Preference
                : root.TryGetProperty("messages", out _) ? DatasetFormat.Chat
                : DatasetFormat.PromptCompletion;
            switch (format)
            {
                case DatasetFormat.PromptCompletion:
                    Add(counter, Text(root, "prompt"), false, tokens, trained);
                    Add(counter, Text(root, "completion"), true, tokens, trained);
                    break;
                case DatasetFormat.Preference:
                {
                    if (root.TryGetProperty("input", out var input) && input.TryGetProperty("messages", out var context))
                        Messages(context, counter, tokens, trained, train: false);
                    var contextLength = tokens.Count;
                    if (root.TryGetProperty("preferred_output", out var preferred)) Messages(preferred, counter, tokens, trained, train: true);
                    var rejected = new List<int>();
                    if (root.TryGetProperty("non_preferred_output", out var other)) Messages(other, counter, rejected, new List<bool>(), train: true);
                    return new TrainingExample { Tokens = tokens.ToArray(), Trained = trained.ToArray(), Rejected = rejected.ToArray(), ContextLength = contextLength };
                }
                default:
                    if (root.TryGetProperty("messages", out var messages)) Messages(messages, counter, tokens, trained, train: true);
                    break;
            }
            return new TrainingExample { Tokens = tokens.ToArray(), Trained = trained.ToArray() };
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        /// <summary>The text of each message (content, text parts, tool calls); assistant text is trained unless its weight is 0.</summary>
        private static void Messages(JsonElement messages, TokenCounter counter, List<int> tokens, List<bool> trained, bool train)
        {
            if (messages.ValueKind != JsonValueKind.Array) return;
            foreach (var m in messages.EnumerateArray())
            {
                if (m.ValueKind != JsonValueKind.Object) continue;
                var isAssistant = m.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && role.GetString() == "assistant";
                var learn = train && isAssistant;
                if (isAssistant && m.TryGetProperty("weight", out var weight) && weight.ValueKind == JsonValueKind.Number && weight.GetDouble() == 0) learn = false;
                var text = new StringBuilder();
                if (m.TryGetProperty("content", out var content))
                {
                    if (content.ValueKind == JsonValueKind.String) text.Append(content.GetString());
                    else if (content.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var part in content.EnumerateArray())
                        {
                            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                                type.GetString() == "text" && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                                text.Append(partText.GetString());
                        }
                    }
                }
                if (m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object)
                        {
                            if (fn.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String) text.Append(name.GetString());
                            if (fn.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String) text.Append(args.GetString());
                        }
                    }
                }
                Add(counter, text.ToString(), learn, tokens, trained);
            }
        }

        private static void Add(TokenCounter counter, string? text, bool train, List<int> tokens, List<bool> trained)
        {
            foreach (var id in counter.Encode(text))
            {
                tokens.Add(id);
                trained.Add(train);
            }
        }
    }
}
