using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FineTuning.Datasets
{
    internal enum LineKind : byte { Blank, Broken, Unknown, Messages, PromptCompletion, Preference, TooLong }

    /// <summary>Which reading of a <c>messages</c> line a finding belongs to.</summary>
    internal enum FindingScope : byte { All, ChatOnly, ReinforcementOnly }

    internal struct PendingFinding
    {
        public int LocalLine;
        public FindingScope Scope;
        public FindingSeverity Severity;
        public string Code;
        public string Message;
        public string? Path;
        public int? Column;
    }

    internal struct LineInfo
    {
        public LineKind Kind;
        public bool HasAssistant;
        public bool LastIsAssistant;
        public bool ErrorAll, ErrorChat, ErrorRft;
        public int Tokens;
        public int Trained;
        public Fingerprint Hash;
        public int Images;
        public long TooLongBytes;
        /// <summary>Where the line's bytes are in its block (kept for <see cref="DatasetValidationOptions.OnExample"/>).</summary>
        public int Offset, Length;
    }

    /// <summary>
    /// Checks one line of a dataset. Stateless between lines apart from its token counter, so each
    /// worker thread owns one. Findings that depend on whether a <c>messages</c> file is chat or
    /// reinforcement are tagged with a scope; the in-order aggregator keeps the right ones.
    /// </summary>
    internal sealed class LineChecker
    {
        private static readonly JsonDocumentOptions ParseOptions = new JsonDocumentOptions { MaxDepth = 128 };
        private static readonly HashSet<string> MessageKeys = new HashSet<string>(StringComparer.Ordinal)
            { "role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal" };

        private static readonly string[] Roles = { "system", "developer", "user", "assistant", "tool", "function" };
        private static readonly string[] ContentPartTypes = { "text", "image_url" };
        private static readonly string[] ChatKeys = { "messages", "tools", "parallel_tool_calls", "functions" };
        private static readonly string[] PromptCompletionKeys = { "prompt", "completion" };
        private static readonly string[] PreferenceKeys = { "input", "preferred_output", "non_preferred_output" };
        private static readonly string[] InputKeys = { "messages", "tools", "parallel_tool_calls" };

        internal const int MaxImagesPerExample = 10;
        private readonly TokenCounter _counter;
        private List<PendingFinding> _out = new List<PendingFinding>();
        private int _line;
        private LineInfo _info;

        private readonly PieceCountCache _pieces = new PieceCountCache();

        public LineChecker(TokenCounter counter) { _counter = counter; }

        private enum MessageContext { Line, PreferenceInput, PreferenceOutput }

        public LineInfo Check(ReadOnlyMemory<byte> raw, int localLine, bool afterBom, List<PendingFinding> output)
        {
            _out = output;
            _line = localLine;
            _info = default;

            var span = raw.Span;
            int start = 0, end = span.Length;
            while (start < end && IsSpace(span[start])) start++;
            while (end > start && IsSpace(span[end - 1])) end--;
            if (start == end)
            {
                _info.Kind = LineKind.Blank;
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.BlankLine,
                    "The line is empty. Every line must hold one JSON example; delete the blank line.");
                return _info;
            }
            var line = raw.Slice(start, end - start);
            int colBase = start + 1 + (afterBom ? 3 : 0);

            int bad = ByteTools.FirstInvalidUtf8(line.Span);
            if (bad >= 0)
            {
                _info.Kind = LineKind.Broken;
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.NotUtf8,
                    $"Byte 0x{line.Span[bad]:X2} at column {bad + colBase} is not valid UTF-8. Save the file as UTF-8 (without a byte-order mark).",
                    null, bad + colBase);
                return _info;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line, ParseOptions);
            }
            catch (JsonException ex)
            {
                _info.Kind = LineKind.Broken;
                int col = (int)(ex.BytePositionInLine ?? 0) + colBase;
                var msg = ex.Message;
                int cut = msg.IndexOf(" LineNumber:", StringComparison.Ordinal);
                if (cut > 0) msg = msg.Substring(0, cut);
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidJson,
                    $"Invalid JSON at column {col}: {msg.Trim()} Each line must be one complete JSON object (no line breaks inside it).",
                    null, col);
                return _info;
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    _info.Kind = LineKind.Broken;
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.NotAnObject,
                        $"The line is {Describe(root.ValueKind)}, not an object. Each example must be an object such as {{\"messages\": [...]}}.");
                    return _info;
                }
                _info.Hash = CanonicalFingerprint(line.Span);

                bool hasMessages = false, hasPc = false, hasPref = false;
                foreach (var p in root.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "messages": hasMessages = true; break;
                        case "prompt":
                        case "completion": hasPc = true; break;
                        case "input":
                        case "preferred_output":
                        case "non_preferred_output":
                        case "preferred_completion":
                        case "non_preferred_completion": hasPref = true; break;
                    }
                }

                if (hasPref) { _info.Kind = LineKind.Preference; CheckPreference(root); }
                else if (hasMessages) { _info.Kind = LineKind.Messages; CheckMessagesLine(root); }
                else if (hasPc) { _info.Kind = LineKind.PromptCompletion; CheckPromptCompletion(root); }
                else _info.Kind = LineKind.Unknown;
            }
            return _info;
        }

        // ---- formats --------------------------------------------------------------------------

        private void CheckMessagesLine(JsonElement root)
        {
            int tokens = 3; // every reply is primed with <|start|>assistant<|message|>
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "messages": break;
                    case "tools": tokens += CheckTools(p.Value, "tools", FindingScope.All); break;
                    case "functions": tokens += CheckFunctions(p.Value, "functions"); break;
                    case "parallel_tool_calls":
                        if (p.Value.ValueKind != JsonValueKind.True && p.Value.ValueKind != JsonValueKind.False)
                            Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                                $"parallel_tool_calls must be true or false, not {Describe(p.Value.ValueKind)}.", "parallel_tool_calls");
                        break;
                    default:
                        Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}'.{Suggestions.DidYouMean(p.Name, ChatKeys)} A chat example may hold only messages, tools, parallel_tool_calls and functions; remove it.", p.Name);
                        break;
                }
            }

            var messages = root.GetProperty("messages");
            if (messages.ValueKind != JsonValueKind.Array)
            {
                Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.MissingMessages,
                    $"'messages' must be an array of message objects, not {Describe(messages.ValueKind)}.", "messages");
                Add(FindingScope.ReinforcementOnly, FindingSeverity.Error, FindingCodes.ReinforcementMissingMessages,
                    $"'messages' must be an array of message objects, not {Describe(messages.ValueKind)}.", "messages");
                return;
            }
            if (messages.GetArrayLength() == 0)
            {
                Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.EmptyMessages,
                    "'messages' is empty. Add at least a user message and the assistant's answer.", "messages");
                Add(FindingScope.ReinforcementOnly, FindingSeverity.Error, FindingCodes.ReinforcementMissingMessages,
                    "'messages' is empty. A reinforcement example needs the prompt messages, ending with a user message.", "messages");
                return;
            }

            var r = CheckMessages(messages, "messages", MessageContext.Line);
            tokens += r.Tokens;
            if (_info.Images > MaxImagesPerExample)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.TooManyImages,
                    $"The example holds {_info.Images} images; at most {MaxImagesPerExample} are allowed per example. Split it or drop images.", "messages");
            _info.Tokens = tokens;
            _info.Trained = r.Trained;
            _info.HasAssistant = r.Assistants > 0;
            _info.LastIsAssistant = r.LastRole == "assistant";
            if (r.Assistants == 0)
                Add(FindingScope.ChatOnly, FindingSeverity.Error, FindingCodes.NoAssistantMessage,
                    "The example has no assistant message, so there is nothing to learn. Add the assistant's answer as the last message.", "messages");
            else if (r.TrainedAssistants == 0)
                Add(FindingScope.ChatOnly, FindingSeverity.Warning, FindingCodes.NothingToTrain,
                    "Every assistant message has weight 0, so the example trains nothing. Set weight 1 on at least one of them or drop the example.", "messages");
            if (r.LastRole != null && r.LastRole != "user")
                Add(FindingScope.ReinforcementOnly, FindingSeverity.Warning, FindingCodes.LastMessageNotUser,
                    $"The last message has role '{r.LastRole}'. In reinforcement fine-tuning the model writes the answer, so end with a user message.",
                    $"messages[{messages.GetArrayLength() - 1}]");
        }

        private void CheckPromptCompletion(JsonElement root)
        {
            int tokens = 0, trained = 0;
            bool prompt = false, completion = false;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "prompt":
                        prompt = true;
                        if (p.Value.ValueKind == JsonValueKind.String) tokens += CountString(p.Value);
                        else Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                            $"'prompt' must be a string, not {Describe(p.Value.ValueKind)}.", "prompt");
                        break;
                    case "completion":
                        completion = true;
                        if (p.Value.ValueKind == JsonValueKind.String)
                        {
                            var s = p.Value.GetString();
                            int n = Count(s);
                            tokens += n; trained += n;
                            if (string.IsNullOrEmpty(s))
                                Add(FindingScope.All, FindingSeverity.Warning, FindingCodes.EmptyContent,
                                    "'completion' is empty, so the example trains nothing. Write the ideal completion.", "completion");
                        }
                        else Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                            $"'completion' must be a string, not {Describe(p.Value.ValueKind)}.", "completion");
                        break;
                    default:
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}'.{Suggestions.DidYouMean(p.Name, PromptCompletionKeys)} A prompt/completion example holds only prompt and completion; remove it.", p.Name);
                        break;
                }
            }
            if (!prompt)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                    "The example has 'completion' but no 'prompt'. Add \"prompt\": \"...\".", "prompt");
            if (!completion)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPromptCompletion,
                    "The example has 'prompt' but no 'completion'. Add \"completion\": \"...\".", "completion");
            _info.Tokens = tokens;
            _info.Trained = trained;
        }

        private void CheckPreference(JsonElement root)
        {
            int tokens = 3, trained = 0;
            bool input = false, preferred = false, nonPreferred = false;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "input":
                        input = true;
                        tokens += CheckPreferenceInput(p.Value);
                        break;
                    case "preferred_output":
                        preferred = true;
                        { var (t, tr) = CheckPreferenceOutput(p.Value, p.Name, FindingCodes.MissingPreferredOutput); tokens += t; trained += tr; }
                        break;
                    case "non_preferred_output":
                        nonPreferred = true;
                        { var (t, tr) = CheckPreferenceOutput(p.Value, p.Name, FindingCodes.MissingNonPreferredOutput); tokens += t; trained += tr; }
                        break;
                    default:
                        var hint = p.Name == "preferred_completion" || p.Name == "non_preferred_completion"
                            ? $" Rename it to '{p.Name.Replace("_completion", "_output")}'." : " Remove it.";
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}'.{Suggestions.DidYouMean(p.Name, PreferenceKeys)} A preference example holds input, preferred_output and non_preferred_output.{hint}", p.Name);
                        break;
                }
            }
            if (!input)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
                    "The preference example has no 'input'. Add \"input\": {\"messages\": [...]} with the prompt turns.", "input");
            if (!preferred)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingPreferredOutput,
                    "The preference example has no 'preferred_output'. Add an array holding the better assistant message.", "preferred_output");
            if (!nonPreferred)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingNonPreferredOutput,
                    "The preference example has no 'non_preferred_output'. Add an array holding the worse assistant message.", "non_preferred_output");
            _info.Tokens = tokens;
            _info.Trained = trained;
            _info.HasAssistant = preferred;
        }

        private int CheckPreferenceInput(JsonElement input)
        {
            if (input.ValueKind != JsonValueKind.Object)
            {
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
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
                            Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
                                "'input.messages' must be a non-empty array of the prompt's messages.", "input.messages");
                        else
                        {
                            var r = CheckMessages(p.Value, "input.messages", MessageContext.PreferenceInput);
                            tokens += r.Tokens;
                        }
                        break;
                    case "tools": tokens += CheckTools(p.Value, "input.tools", FindingScope.All); break;
                    case "parallel_tool_calls":
                        if (p.Value.ValueKind != JsonValueKind.True && p.Value.ValueKind != JsonValueKind.False)
                            Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                                $"parallel_tool_calls must be true or false, not {Describe(p.Value.ValueKind)}.", "input.parallel_tool_calls");
                        break;
                    default:
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}' in 'input'.{Suggestions.DidYouMean(p.Name, InputKeys)} It may hold messages, tools and parallel_tool_calls; remove it.", "input." + p.Name);
                        break;
                }
            }
            if (!hasMessages)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidPreferenceInput,
                    "'input' has no 'messages'. Put the prompt turns in input.messages.", "input.messages");
            return tokens;
        }

        private (int Tokens, int Trained) CheckPreferenceOutput(JsonElement value, string name, string code)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                Add(FindingScope.All, FindingSeverity.Error, code,
                    $"'{name}' must be a non-empty array ending with one assistant message, not {(value.ValueKind == JsonValueKind.Array ? "an empty array" : Describe(value.ValueKind))}.", name);
                return (0, 0);
            }
            var r = CheckMessages(value, name, MessageContext.PreferenceOutput);
            int i = 0;
            foreach (var m in value.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String &&
                    !role.ValueEquals("assistant") && !role.ValueEquals("tool"))
                {
                    Add(FindingScope.All, FindingSeverity.Error, code,
                        $"'{name}' holds the assistant's answer; a message with role '{role.GetString()}' belongs in input.messages.", $"{name}[{i}]");
                    return (r.Tokens, r.Trained);
                }
                i++;
            }
            if (r.LastRole != null && r.LastRole != "assistant")
                Add(FindingScope.All, FindingSeverity.Error, code,
                    $"'{name}' must end with an assistant message; its last message has role '{r.LastRole}'.", $"{name}[{value.GetArrayLength() - 1}]");
            return (r.Tokens, r.Trained);
        }

        // ---- messages -------------------------------------------------------------------------

        private struct MessagesResult
        {
            public int Tokens, Trained, Assistants, TrainedAssistants;
            public string? LastRole;
        }

        private MessagesResult CheckMessages(JsonElement messages, string prefix, MessageContext context)
        {
            var r = new MessagesResult();
            int i = 0;
            foreach (var m in messages.EnumerateArray())
            {
                var path = Indexed(prefix, i);
                i++;
                if (m.ValueKind != JsonValueKind.Object)
                {
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidMessage,
                        $"A message must be an object with 'role' and 'content', not {Describe(m.ValueKind)}.", path);
                    r.LastRole = null;
                    continue;
                }
                CheckMessage(m, path, context, ref r);
            }
            return r;
        }

        private void CheckMessage(JsonElement m, string path, MessageContext context, ref MessagesResult r)
        {
            string? role = null;
            if (m.TryGetProperty("role", out var roleEl))
            {
                if (roleEl.ValueKind == JsonValueKind.String) role = ReadRole(roleEl);
                else Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingRole,
                    $"'role' must be a string such as \"user\" or \"assistant\", not {Describe(roleEl.ValueKind)}.", path + ".role");
            }
            else
            {
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingRole,
                    "The message has no 'role'. Add \"role\": \"system\", \"user\", \"assistant\" or \"tool\".", path);
            }
            r.LastRole = role;

            int tokens = 3 + CountRole(role);
            bool known = true;
            switch (role)
            {
                case null: known = false; break;
                case "system": case "user": case "assistant": case "developer": case "tool": break;
                case "function":
                    if (context == MessageContext.Line)
                        Add(FindingScope.ReinforcementOnly, FindingSeverity.Error, FindingCodes.UnknownRole,
                            "Role 'function' is not accepted in reinforcement examples; use an assistant tool call and a 'tool' message.", path + ".role");
                    else
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnknownRole,
                            "Role 'function' is not accepted in preference examples.", path + ".role");
                    break;
                default:
                    known = false;
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnknownRole,
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
                        if (p.Value.ValueKind == JsonValueKind.String) tokens += CountString(p.Value) + 1;
                        else Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                            $"'name' must be a string, not {Describe(p.Value.ValueKind)}.", PP());
                        break;
                    case "weight":
                        if (!isAssistant)
                            Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidWeight,
                                "'weight' applies only to assistant messages; remove it from this message.", PP());
                        else if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out weight) || (weight != 0 && weight != 1))
                        {
                            Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidWeight,
                                $"'weight' must be 0 (do not train on this message) or 1 (train on it), not {Raw(p.Value)}.", PP());
                            weight = 1;
                        }
                        break;
                    case "tool_calls":
                        hasToolCalls = true;
                        callTokens += CheckToolCalls(p.Value, PP(), isAssistant);
                        break;
                    case "function_call":
                        hasFunctionCall = true;
                        callTokens += CheckFunctionCall(p.Value, PP(), isAssistant);
                        break;
                    case "tool_call_id":
                        if (p.Value.ValueKind == JsonValueKind.String && role == "tool") tokens += CountString(p.Value);
                        else if (role != "tool")
                            Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                                "'tool_call_id' belongs only on tool messages; remove it.", PP());
                        else Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                            $"'tool_call_id' must be a string, not {Describe(p.Value.ValueKind)}.", PP());
                        break;
                    case "refusal":
                        if (!isAssistant || (p.Value.ValueKind != JsonValueKind.String && p.Value.ValueKind != JsonValueKind.Null))
                            Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFieldType,
                                "'refusal' is allowed only on assistant messages, as a string or null.", PP());
                        else if (p.Value.ValueKind == JsonValueKind.String) callTokens += CountString(p.Value);
                        break;
                    default:
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.UnrecognizedKey,
                            $"Unrecognized key '{p.Name}' in a message.{Suggestions.DidYouMean(p.Name, MessageKeys)} Messages may hold role, content, name, weight, tool_calls, tool_call_id and function_call; remove it.", PP());
                        break;
                }
            }

            if (role == "tool" && !m.TryGetProperty("tool_call_id", out _))
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                    "The tool message has no 'tool_call_id'. Set it to the id of the assistant tool call it answers.", path);
            if (role == "function" && !(m.TryGetProperty("name", out var fn) && fn.ValueKind == JsonValueKind.String))
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFunctionCall,
                    "The function message has no 'name'. Set it to the name of the function whose result it carries.", path);

            int contentTokens = known || role == null ? CheckContent(m, path, role, isAssistant && (hasToolCalls || hasFunctionCall), context) : 0;
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

        private int CheckContent(JsonElement m, string path, string? role, bool hasCalls, MessageContext context)
        {
            if (!m.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            {
                if (!hasCalls && role != null)
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.MissingContent,
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
                        Add(FindingScope.All, FindingSeverity.Warning, FindingCodes.EmptyContent,
                            $"The {role} message's content is empty. Write the text or drop the message.", path + ".content");
                    return CountString(content);
                case JsonValueKind.Array:
                    return CheckParts(content, path + ".content", role, context);
                default:
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        $"'content' must be a string or an array of content parts, not {Describe(content.ValueKind)}.", path + ".content");
                    return 0;
            }
        }

        private int CheckParts(JsonElement parts, string cpath, string? role, MessageContext context)
        {
            int tokens = 0, i = 0;
            if (parts.GetArrayLength() == 0)
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                    "'content' is an empty array. Give a string or at least one content part.", cpath);
            foreach (var part in parts.EnumerateArray())
            {
                var ppath = cpath + "[" + i + "]";
                i++;
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        "A content part must be an object with a 'type' of \"text\" or \"image_url\".", ppath);
                    continue;
                }
                var t = type.GetString();
                if (t == "text")
                {
                    if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String) tokens += CountString(text);
                    else Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        "A text part needs \"text\": \"...\" as a string.", ppath + ".text");
                }
                else if (t == "image_url")
                {
                    _info.Images++;
                    if (role != "user")
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            $"Images are allowed only in user messages, not in a {role ?? "role-less"} message.", ppath);
                    else if (context != MessageContext.Line)
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            "Preference (DPO) examples are text only; remove the image.", ppath);
                    if (!part.TryGetProperty("image_url", out var img) || img.ValueKind != JsonValueKind.Object ||
                        !img.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String || url.GetString()!.Length == 0)
                    {
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            "An image part needs \"image_url\": {\"url\": \"https://... or data:image/...;base64,...\"}.", ppath + ".image_url");
                    }
                    else if (img.TryGetProperty("detail", out var detail) &&
                             !(detail.ValueKind == JsonValueKind.String && (detail.ValueEquals("low") || detail.ValueEquals("high") || detail.ValueEquals("auto"))))
                    {
                        Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                            $"image_url.detail must be \"low\", \"high\" or \"auto\", not {Raw(detail)}.", ppath + ".image_url.detail");
                    }
                }
                else
                {
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidContentType,
                        $"Content part type '{t}' is not accepted for fine-tuning;{Suggestions.DidYouMean(t, ContentPartTypes)} use \"text\" or (in user messages) \"image_url\".", ppath + ".type");
                }
            }
            return tokens;
        }

        private int CheckToolCalls(JsonElement calls, string path, bool isAssistant)
        {
            if (!isAssistant)
            {
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                    "Only assistant messages may carry 'tool_calls'.", path);
                return 0;
            }
            if (calls.ValueKind != JsonValueKind.Array || calls.GetArrayLength() == 0)
            {
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
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
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall, "A tool call must be an object.", cpath);
                    continue;
                }
                if (!call.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                        "The tool call needs a non-empty string 'id' (the tool message answers it with tool_call_id).", cpath + ".id");
                if (!call.TryGetProperty("type", out var type) || !(type.ValueKind == JsonValueKind.String && type.ValueEquals("function")))
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                        "The tool call needs \"type\": \"function\".", cpath + ".type");
                if (!call.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object)
                {
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidToolCall,
                        "The tool call needs \"function\": {\"name\": ..., \"arguments\": \"{...}\"}.", cpath + ".function");
                    continue;
                }
                tokens += CheckCallBody(fn, cpath + ".function", FindingCodes.InvalidToolCall);
            }
            return tokens;
        }

        private int CheckFunctionCall(JsonElement fc, string path, bool isAssistant)
        {
            if (!isAssistant)
            {
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFunctionCall,
                    "Only assistant messages may carry 'function_call'.", path);
                return 0;
            }
            if (fc.ValueKind != JsonValueKind.Object)
            {
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidFunctionCall,
                    "'function_call' must be an object {\"name\": ..., \"arguments\": \"{...}\"}.", path);
                return 0;
            }
            return CheckCallBody(fc, path, FindingCodes.InvalidFunctionCall);
        }

        private int CheckCallBody(JsonElement fn, string path, string code)
        {
            int tokens = 0;
            if (fn.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString()!.Length > 0)
                tokens += CountString(name);
            else
                Add(FindingScope.All, FindingSeverity.Error, code, "The call needs a non-empty string 'name'.", path + ".name");
            if (fn.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String)
            {
                var text = args.GetString()!;
                tokens += Count(text);
                try
                {
                    using var _ = JsonDocument.Parse(text);
                }
                catch (JsonException)
                {
                    Add(FindingScope.All, FindingSeverity.Error, code,
                        "'arguments' must be a string holding JSON (for example \"{\\\"city\\\": \\\"Paris\\\"}\"); this string does not parse.", path + ".arguments");
                }
            }
            else
            {
                Add(FindingScope.All, FindingSeverity.Error, code,
                    "'arguments' must be a string holding JSON, e.g. \"{}\" (an object must be serialized to a string).", path + ".arguments");
            }
            return tokens;
        }

        private int CheckTools(JsonElement tools, string path, FindingScope scope)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool,
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
                    Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "A tool must be an object with \"type\": \"function\".", tpath);
                    continue;
                }
                if (!tool.TryGetProperty("function", out var fn) || fn.ValueKind != JsonValueKind.Object)
                {
                    Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "A tool needs \"function\": {\"name\": ..., \"parameters\": {...}}.", tpath + ".function");
                    continue;
                }
                CheckFunctionDefinition(fn, tpath + ".function", scope);
            }
            return Count(tools.GetRawText());
        }

        private int CheckFunctions(JsonElement functions, string path)
        {
            if (functions.ValueKind != JsonValueKind.Array || functions.GetArrayLength() == 0 || functions.GetArrayLength() > 128)
            {
                Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidTool,
                    "'functions' (deprecated; prefer 'tools') must be an array of 1 to 128 function definitions.", path);
                return 0;
            }
            int i = 0;
            foreach (var fn in functions.EnumerateArray())
            {
                if (fn.ValueKind != JsonValueKind.Object)
                    Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidTool, "A function definition must be an object.", path + "[" + i + "]");
                else CheckFunctionDefinition(fn, path + "[" + i + "]", FindingScope.All);
                i++;
            }
            return Count(functions.GetRawText());
        }

        private void CheckFunctionDefinition(JsonElement fn, string path, FindingScope scope)
        {
            if (!fn.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "The function needs a non-empty string 'name'.", path + ".name");
            if (fn.TryGetProperty("description", out var d) && d.ValueKind != JsonValueKind.String)
                Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "'description' must be a string.", path + ".description");
            if (fn.TryGetProperty("parameters", out var pars) && pars.ValueKind != JsonValueKind.Object)
                Add(scope, FindingSeverity.Error, FindingCodes.InvalidTool, "'parameters' must be a JSON Schema object.", path + ".parameters");
        }

        // ---- helpers --------------------------------------------------------------------------

        private int Count(string? s) => string.IsNullOrEmpty(s) ? 0 : _counter.Count(s!, _pieces);

        private byte[] _canonical = new byte[4096];

        /// <summary>Fingerprint of the line with the blanks between JSON tokens removed, so that the same
        /// example written with other spacing is still a duplicate.</summary>
        private Fingerprint CanonicalFingerprint(ReadOnlySpan<byte> line)
        {
            if (_canonical.Length < line.Length) _canonical = new byte[Math.Max(line.Length, _canonical.Length * 2)];
            var dst = _canonical;
            int n = 0;
            bool inString = false, escaped = false;
            foreach (var b in line)
            {
                if (inString)
                {
                    dst[n++] = b;
                    if (escaped) escaped = false;
                    else if (b == (byte)'\\') escaped = true;
                    else if (b == (byte)'"') inString = false;
                }
                else if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n')
                {
                    dst[n++] = b;
                    if (b == (byte)'"') inString = true;
                }
            }
            return ByteTools.Fingerprint(new ReadOnlySpan<byte>(dst, 0, n));
        }
        private readonly Dictionary<string, int> _roleTokens = new Dictionary<string, int>(StringComparer.Ordinal);
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

        private int CountRole(string? role)
        {
            if (role == null) return 0;
            if (_roleTokens.TryGetValue(role, out var n)) return n;
            n = Count(role);
            if (_roleTokens.Count < 64) _roleTokens[role] = n;
            return n;
        }

        /// <summary>Tokens of a JSON string value. Strings without escapes are decoded straight from the
        /// line's UTF-8, without the unescaping pass.</summary>
        private unsafe int CountString(JsonElement e)
        {
            var raw = JsonMarshal.GetRawUtf8Value(e);
            if (raw.Length < 2) return 0;
            var inner = raw.Slice(1, raw.Length - 2);
            if (inner.Length == 0) return 0;
            if (inner.IndexOf((byte)'\\') >= 0) return Count(e.GetString());
            string text;
            fixed (byte* src = inner) text = Utf8.GetString(src, inner.Length);
            return _counter.Count(text, _pieces);
        }

        private static readonly System.Text.UTF8Encoding Utf8 = new System.Text.UTF8Encoding(false, false);

        private void Add(FindingScope scope, FindingSeverity severity, string code, string message, string? path = null, int? column = null)
        {
            _out.Add(new PendingFinding { LocalLine = _line, Scope = scope, Severity = severity, Code = code, Message = message, Path = path, Column = column });
            if (severity == FindingSeverity.Error)
            {
                switch (scope)
                {
                    case FindingScope.All: _info.ErrorAll = true; break;
                    case FindingScope.ChatOnly: _info.ErrorChat = true; break;
                    default: _info.ErrorRft = true; break;
                }
            }
        }

        private static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r';

        internal static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True => "a boolean",
            JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "a value",
        };

        private static string Raw(JsonElement e)
        {
            var text = e.GetRawText();
            return text.Length > 40 ? text.Substring(0, 40) + "..." : text;
        }
    }
}
