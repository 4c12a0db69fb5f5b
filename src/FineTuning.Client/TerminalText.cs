using System;
using System.Text;

namespace FineTuning.Client
{
    /// <summary>
    /// Makes text from a service safe to print on a terminal. A service's strings (event messages, statuses,
    /// ids, file names, error messages) are input: an escape sequence in one could retitle or clear the
    /// terminal, plant a hyperlink or rewrite what was printed before it. Every C0 control (ESC included),
    /// DEL, every C1 control and the bidirectional overrides are replaced by a visible stand-in, so the text
    /// still shows that something was there. The objects keep the raw values; only what is shown is changed.
    /// </summary>
    public static class TerminalText
    {
        /// <summary>Stands for a C1 control or a bidirectional override, which have no picture of their own.</summary>
        public const char Replacement = '\uFFFD';

        /// <summary>
        /// For one cell of a table or one line: every control character is replaced, and line breaks and tabs
        /// become spaces (a table row stays one row). Anything that is not a string is shown as its text.
        /// </summary>
        public static string Cell(object? value)
        {
            if (value is null) return string.Empty;
            var text = value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.CurrentCulture) ?? string.Empty;
            return Clean(text, keepLines: false);
        }

        /// <summary>
        /// For a message (an error, a warning, verbose text, a progress line): line feeds and tabs are kept,
        /// a CR LF pair becomes a line feed, and every other control character is replaced.
        /// </summary>
        public static string Message(string? text) => text is null ? string.Empty : Clean(text, keepLines: true);

        /// <summary>A message with its secrets masked (<see cref="SecretMasker"/>) and its control characters replaced.</summary>
        public static string Safe(string? text) => Message(SecretMasker.Mask(text));

        /// <summary><see cref="Safe"/>, keeping null as null.</summary>
        public static string? SafeOrNull(string? text) => text is null ? null : Safe(text);

        /// <summary>Whether the text holds anything <see cref="Message"/> would change.</summary>
        public static bool NeedsCleaning(string? text)
        {
            if (string.IsNullOrEmpty(text)) return false;
            foreach (var c in text!)
            {
                if (c == '\n' || c == '\t') continue;
                if (IsUnsafe(c)) return true;
            }
            return false;
        }

        /// <summary>C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F) and the bidirectional embeddings, overrides and isolates.</summary>
        public static bool IsUnsafe(char c) =>
            c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

        private static string Clean(string text, bool keepLines)
        {
            var i = 0;
            while (i < text.Length && !IsUnsafe(text[i])) i++;
            if (i == text.Length) return text;

            var sb = new StringBuilder(text.Length + 8);
            sb.Append(text, 0, i);
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (!IsUnsafe(c))
                {
                    sb.Append(c);
                }
                else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    // CR LF: one line break; the LF is handled on the next turn.
                }
                else if (c == '\n' || c == '\t')
                {
                    sb.Append(keepLines ? c : ' ');
                }
                else if (c < 0x20)
                {
                    sb.Append((char)(0x2400 + c)); // the Control Pictures block: ESC shows as U+241B
                }
                else if (c == 0x7F)
                {
                    sb.Append('\u2421');
                }
                else
                {
                    sb.Append(Replacement);
                }
            }
            return sb.ToString();
        }
    }
}
