using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using FineTuning.Datasets;

namespace FineTuning.Emulator
{
    /// <summary>The shapes of training line the service knows.</summary>
    internal enum DataFormat { Chat, PromptCompletion, Preference, Reinforcement }

    /// <summary>One example as the trainer sees it: its tokens, which of them are trained, what it bills.</summary>
    internal sealed class TrainingExample
    {
        /// <summary>Every token of the example in order (context then output).</summary>
        public int[] Tokens = Array.Empty<int>();
        /// <summary>True where the token is trained on (assistant messages with weight 1, completions).</summary>
        public bool[] Trained = Array.Empty<bool>();
        /// <summary>For preference data: the rejected output's tokens, scored after the same context.</summary>
        public int[]? Rejected;
        public int ContextLength;
        /// <summary>Tokens the service bills for one pass over the example (chat framing included).</summary>
        public int BilledTokens;
    }

    /// <summary>A training or validation file read and checked the way the service checks it before training.</summary>
    internal sealed class TrainingData
    {
        public List<TrainingExample> Examples = new List<TrainingExample>();
        public DataFormat? Format;
        public long BilledTokens;

        /// <summary>Why the file cannot be used (null when it can).</summary>
        public string? Error;
        public string? ErrorCode;

        private static readonly HashSet<string> ChatRoles = new HashSet<string>(StringComparer.Ordinal)
            { "system", "developer", "user", "assistant", "tool", "function" };

        // The service's chat framing, as the cookbook counts it: each message costs 3 tokens on top of its
        // text (role, content, name: +1 when named), and every example 3 more for the reply's priming.
        private const int TokensPerMessage = 3;
        private const int TokensPerName = 1;
        private const int TokensPerReply = 3;

        public static TrainingData Read(byte[] content, string method, string model, bool isValidation)
        {
            var data = new TrainingData();
            var fileKind = isValidation ? "validation" : "training";
            var code = isValidation ? "invalid_validation_file" : "invalid_training_file";
            var counter = TokenCounter.ForModel(model);
            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(content);
            }
            catch (DecoderFallbackException)
            {
                return data.Fail(code, $"The job failed due to an invalid {fileKind} file. The file is not UTF-8 encoded text.");
            }
            if (text.Length > 0 && text[0] == '\uFEFF') text = text.Substring(1);

            var lineNumber = 0;
            var start = 0;
            while (start <= text.Length)
            {
                var end = text.IndexOf('\n', start);
                if (end < 0) end = text.Length;
                var line = text.Substring(start, end - start).TrimEnd('\r');
                start = end + 1;
                lineNumber++;
                if (line.Trim().Length == 0)
                {
                    if (start > text.Length) break;
                    continue;
                }
                var example = data.Examples.Count + 1;
                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(line);
                }
                catch (JsonException ex)
                {
                    return data.Fail(code, $"The job failed due to an invalid {fileKind} file. Invalid file format. Line {lineNumber} is not valid JSON: {ex.Message}");
                }
                using (doc)
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                        return data.Fail(code, $"The job failed due to an invalid {fileKind} file. Invalid file format. Line {lineNumber} is not a JSON object.");
                    var format = Detect(root);
                    if (format is null)
                        return data.Fail(code, $"The job failed due to an invalid {fileKind} file. Invalid file format. Example {example} (line {lineNumber}) has none of 'messages', 'prompt'/'completion' or 'input'/'preferred_output'/'non_preferred_output'.");
                    if (data.Format is null) data.Format = format;
                    else if (data.Format != format)
                        return data.Fail(code, $"The job failed due to an invalid {fileKind} file. Invalid file format. Example {example} (line {lineNumber}) is in the {Name(format.Value)} format but earlier examples are in the {Name(data.Format.Value)} format.");
                    var problem = Convert(root, format.Value, counter, out var converted);
                    if (problem != null)
                        return data.Fail(code, $"The job failed due to an invalid {fileKind} file. Invalid file format. Example {example} (line {lineNumber}): {problem}");
                    data.Examples.Add(converted!);
                    data.BilledTokens += converted!.BilledTokens;
                }
                if (start > text.Length) break;
            }

            if (data.Examples.Count == 0)
                return data.Fail(code, $"The job failed due to an invalid {fileKind} file. The file has no examples.");
            var fits = Fits(data.Format!.Value, method);
            if (fits != null)
                return data.Fail(code, $"The job failed due to an invalid {fileKind} file. Input file is in the {Name(data.Format.Value)} format, but the specified fine-tuning job is not using '{fits}' as the training method (provided method={method}).");
            if (!isValidation && data.Examples.Count < 10)
                return data.Fail("invalid_n_examples", $"Training file has {data.Examples.Count} example(s), but must have at least 10 examples");
            return data;
        }

        private TrainingData Fail(string code, string message)
        {
            ErrorCode = code;
            Error = message;
            return this;
        }

        private static string Name(DataFormat format)
        {
            switch (format)
            {
                case DataFormat.Chat: return "fine-tune-chat";
                case DataFormat.PromptCompletion: return "prompt-completion";
                case DataFormat.Preference: return "preference";
                default: return "reinforcement";
            }
        }

        /// <summary>Null when the format suits the method, else the method the format needs.</summary>
        private static string? Fits(DataFormat format, string method)
        {
            switch (format)
            {
                case DataFormat.Chat:
                    return method == "supervised" ? null : method == "reinforcement" ? null : "supervised";
                case DataFormat.PromptCompletion:
                    return method == "supervised" ? null : "supervised";
                case DataFormat.Preference:
                    return method == "dpo" ? null : "dpo";
                default:
                    return method == "reinforcement" ? null : "reinforcement";
            }
        }

        private static DataFormat? Detect(JsonElement root)
        {
            if (root.TryGetProperty("input", out _) || root.TryGetProperty("preferred_output", out _)) return DataFormat.Preference;
            if (root.TryGetProperty("messages", out var messages))
            {
                // Reinforcement lines carry messages without an assistant answer, plus grading fields.
                if (messages.ValueKind == JsonValueKind.Array)
                {
                    var hasAssistant = false;
                    foreach (var m in messages.EnumerateArray())
                        if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() == "assistant") hasAssistant = true;
                    var extra = false;
                    foreach (var p in root.EnumerateObject())
                        if (p.Name != "messages" && p.Name != "tools" && p.Name != "parallel_tool_calls" && p.Name != "functions") extra = true;
                    if (!hasAssistant && extra) return DataFormat.Reinforcement;
                }
                return DataFormat.Chat;
            }
            if (root.TryGetProperty("prompt", out _) || root.TryGetProperty("completion", out _)) return DataFormat.PromptCompletion;
            return null;
        }

        private static string? Convert(JsonElement root, DataFormat format, TokenCounter counter, out TrainingExample? example)
        {
            example = null;
            var tokens = new List<int>();
            var trained = new List<bool>();
            var billed = 0;
            switch (format)
            {
                case DataFormat.PromptCompletion:
                {
                    if (!root.TryGetProperty("prompt", out var prompt) || prompt.ValueKind != JsonValueKind.String) return "'prompt' must be a string.";
                    if (!root.TryGetProperty("completion", out var completion) || completion.ValueKind != JsonValueKind.String) return "'completion' must be a string.";
                    Add(counter, prompt.GetString(), false, tokens, trained);
                    Add(counter, completion.GetString(), true, tokens, trained);
                    billed = tokens.Count;
                    break;
                }
                case DataFormat.Preference:
                {
                    if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object ||
                        !input.TryGetProperty("messages", out var inputMessages) || inputMessages.ValueKind != JsonValueKind.Array || inputMessages.GetArrayLength() == 0)
                        return "'input' must be an object with a non-empty 'messages' array.";
                    var problem = Messages(inputMessages, "input.messages", counter, tokens, trained, ref billed, trainAssistant: false);
                    if (problem != null) return problem;
                    var contextLength = tokens.Count;
                    if (!root.TryGetProperty("preferred_output", out var preferred) || preferred.ValueKind != JsonValueKind.Array || preferred.GetArrayLength() == 0)
                        return "'preferred_output' must be a non-empty array of assistant messages.";
                    if (!root.TryGetProperty("non_preferred_output", out var rejected) || rejected.ValueKind != JsonValueKind.Array || rejected.GetArrayLength() == 0)
                        return "'non_preferred_output' must be a non-empty array of assistant messages.";
                    problem = Messages(preferred, "preferred_output", counter, tokens, trained, ref billed, trainAssistant: true, assistantOnly: true);
                    if (problem != null) return problem;
                    var rejectedTokens = new List<int>();
                    var rejectedTrained = new List<bool>();
                    problem = Messages(rejected, "non_preferred_output", counter, rejectedTokens, rejectedTrained, ref billed, trainAssistant: true, assistantOnly: true);
                    if (problem != null) return problem;
                    example = new TrainingExample
                    {
                        Tokens = tokens.ToArray(), Trained = trained.ToArray(), Rejected = rejectedTokens.ToArray(),
                        ContextLength = contextLength, BilledTokens = billed + TokensPerReply,
                    };
                    return null;
                }
                default:
                {
                    if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
                        return "'messages' must be an array.";
                    if (messages.GetArrayLength() == 0) return "'messages' is empty.";
                    var problem = Messages(messages, "messages", counter, tokens, trained, ref billed, trainAssistant: true);
                    if (problem != null) return problem;
                    if (format == DataFormat.Chat && !trained.Contains(true) && !HasAssistant(messages))
                        return "there is no assistant message to train on.";
                    billed += TokensPerReply;
                    break;
                }
            }
            example = new TrainingExample { Tokens = tokens.ToArray(), Trained = trained.ToArray(), BilledTokens = billed, ContextLength = 0 };
            return null;
        }

        private static bool HasAssistant(JsonElement messages)
        {
            foreach (var m in messages.EnumerateArray())
                if (m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() == "assistant") return true;
            return false;
        }

        private static string? Messages(JsonElement messages, string path, TokenCounter counter, List<int> tokens, List<bool> trained,
            ref int billed, bool trainAssistant, bool assistantOnly = false)
        {
            var index = 0;
            foreach (var m in messages.EnumerateArray())
            {
                index++;
                if (m.ValueKind != JsonValueKind.Object) return $"{path}[{index - 1}] is not an object.";
                if (!m.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
                    return $"message {index} Discriminator 'role' is missing in value.";
                var role = roleElement.GetString()!;
                if (!ChatRoles.Contains(role)) return $"message {index} has an unknown role '{role}'.";
                if (assistantOnly && role != "assistant") return $"{path}[{index - 1}] must be an assistant message (role is '{role}').";
                var isAssistant = role == "assistant";
                var train = trainAssistant && isAssistant;
                if (isAssistant && m.TryGetProperty("weight", out var weight))
                {
                    if (weight.ValueKind != JsonValueKind.Number || !(weight.GetDouble() == 0 || weight.GetDouble() == 1))
                        return $"message {index} has weight {weight.GetRawText()}; weight must be 0 or 1.";
                    if (weight.GetDouble() == 0) train = false;
                }

                billed += TokensPerMessage + counter.Count(role);
                var contentText = new StringBuilder();
                if (m.TryGetProperty("content", out var content))
                {
                    switch (content.ValueKind)
                    {
                        case JsonValueKind.String:
                            contentText.Append(content.GetString());
                            break;
                        case JsonValueKind.Null:
                            if (!isAssistant) return $"message {index} ({role}) has null content.";
                            break;
                        case JsonValueKind.Array:
                            foreach (var part in content.EnumerateArray())
                            {
                                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                                    return $"message {index} has a content part without a 'type'.";
                                var t = type.GetString();
                                if (t == "text")
                                {
                                    if (!part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                                        return $"message {index} has a text part without a string 'text'.";
                                    contentText.Append(partText.GetString());
                                }
                                else if (t == "image_url")
                                {
                                    if (isAssistant) return $"message {index}: images are only allowed outside assistant messages.";
                                    billed += 85; // a low-detail image, as the service prices it
                                }
                                else return $"message {index} has a content part of unknown type '{t}'.";
                            }
                            break;
                        default:
                            return $"message {index} has content of type {content.ValueKind}; content must be a string or an array of parts.";
                    }
                }
                else
                {
                    var hasCalls = m.TryGetProperty("tool_calls", out _) || m.TryGetProperty("function_call", out _);
                    if (!(isAssistant && hasCalls)) return $"message {index} ({role}) has no content.";
                }
                if (m.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    billed += TokensPerName + counter.Count(name.GetString());
                }
                if (m.TryGetProperty("tool_calls", out var calls))
                {
                    if (calls.ValueKind != JsonValueKind.Array) return $"message {index}: tool_calls must be an array.";
                    foreach (var call in calls.EnumerateArray())
                    {
                        if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object ||
                            !fn.TryGetProperty("name", out var fnName) || fnName.ValueKind != JsonValueKind.String ||
                            !fn.TryGetProperty("arguments", out var args) || args.ValueKind != JsonValueKind.String)
                            return $"message {index} has a tool call without function.name and function.arguments (a JSON string).";
                        contentText.Append(fnName.GetString()).Append(args.GetString());
                    }
                }
                var text = contentText.ToString();
                billed += Add(counter, text, train, tokens, trained);
            }
            return null;
        }

        private static int Add(TokenCounter counter, string? text, bool train, List<int> tokens, List<bool> trained)
        {
            var ids = counter.Encode(text);
            foreach (var id in ids)
            {
                tokens.Add(id);
                trained.Add(train);
            }
            return ids.Count;
        }
    }
}
