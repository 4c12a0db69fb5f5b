using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FineTuning.Datasets
{
    /// <summary>
    /// What the checks of one line share, one per worker thread (the checks themselves are static): where findings go and
    /// the line's <see cref="LineInfo"/> being filled in, the token counter with the worker's own caches of piece and role
    /// counts, and the wording of values in findings. <see cref="LineChecker"/> starts it on each line.
    /// </summary>
    internal sealed class LineContext
    {
        private static readonly System.Text.UTF8Encoding Utf8 = new System.Text.UTF8Encoding(false, false);

        private readonly TokenCounter _counter;
        private readonly PieceCountCache _pieces = new PieceCountCache();
        private readonly Dictionary<string, int> _roleTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        private List<PendingFinding> _out = new List<PendingFinding>();
        private int _line;

        /// <summary>The line's result so far; the checks set its counts and flags in place.</summary>
        public LineInfo Info;

        public LineContext(TokenCounter counter) { _counter = counter; }

        /// <summary>Begins a line: its number in the block, where its findings go, and an empty <see cref="Info"/>.</summary>
        public void Start(int localLine, List<PendingFinding> output)
        {
            _out = output;
            _line = localLine;
            Info = default;
        }

        public void Add(FindingScope scope, FindingSeverity severity, string code, string message, string? path = null, int? column = null)
        {
            _out.Add(new PendingFinding { LocalLine = _line, Scope = scope, Severity = severity, Code = code, Message = message, Path = path, Column = column });
            if (severity == FindingSeverity.Error)
            {
                switch (scope)
                {
                    case FindingScope.All: Info.ErrorAll = true; break;
                    case FindingScope.ChatOnly: Info.ErrorChat = true; break;
                    default: Info.ErrorRft = true; break;
                }
            }
        }

        public int Count(string? s) => string.IsNullOrEmpty(s) ? 0 : _counter.Count(s!, _pieces);

        public int CountRole(string? role)
        {
            if (role == null) return 0;
            if (_roleTokens.TryGetValue(role, out var n)) return n;
            n = Count(role);
            if (_roleTokens.Count < 64) _roleTokens[role] = n;
            return n;
        }

        /// <summary>Tokens of a JSON string value. Strings without escapes are decoded straight from the
        /// line's UTF-8, without the unescaping pass.</summary>
        public unsafe int CountString(JsonElement e)
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

        /// <summary>A value's JSON as a finding quotes it, cut at 40 characters.</summary>
        internal static string Raw(JsonElement e)
        {
            var text = e.GetRawText();
            return text.Length > 40 ? text.Substring(0, 40) + "..." : text;
        }
    }
}
