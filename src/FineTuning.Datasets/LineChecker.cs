using System;
using System.Collections.Generic;
using System.Text.Json;
using static FineTuning.Datasets.LineContext;

namespace FineTuning.Datasets
{
    /// <summary>
    /// Checks one line of a dataset: a blank line, bytes that are not UTF-8, JSON that does not parse or is not an object
    /// are findings here; otherwise the line's fingerprint is taken and its keys say its format, which the checker of that
    /// format reads (<see cref="MessagesLineChecker"/>, <see cref="PreferenceChecker"/>, <see cref="PromptCompletionChecker"/>).
    /// Stateless between lines apart from its token counter and buffers, so each worker thread owns one. Findings that
    /// depend on whether a <c>messages</c> file is chat or reinforcement are tagged with a scope; the in-order aggregator
    /// keeps the right ones.
    /// </summary>
    internal sealed class LineChecker
    {
        private static readonly JsonDocumentOptions ParseOptions = new JsonDocumentOptions { MaxDepth = 128 };
        private readonly LineContext _context;
        private byte[] _canonical = new byte[4096];

        public LineChecker(TokenCounter counter) { _context = new LineContext(counter); }

        public LineInfo Check(ReadOnlyMemory<byte> raw, int localLine, bool afterBom, List<PendingFinding> output)
        {
            var ctx = _context;
            ctx.Start(localLine, output);

            var span = raw.Span;
            int start = 0, end = span.Length;
            while (start < end && IsSpace(span[start])) start++;
            while (end > start && IsSpace(span[end - 1])) end--;
            if (start == end)
            {
                ctx.Info.Kind = LineKind.Blank;
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.BlankLine,
                    "The line is empty. Every line must hold one JSON example; delete the blank line.");
                return ctx.Info;
            }
            var line = raw.Slice(start, end - start);
            int colBase = start + 1 + (afterBom ? 3 : 0);

            int bad = ByteTools.FirstInvalidUtf8(line.Span);
            if (bad >= 0)
            {
                ctx.Info.Kind = LineKind.Broken;
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.NotUtf8,
                    $"Byte 0x{line.Span[bad]:X2} at column {bad + colBase} is not valid UTF-8. Save the file as UTF-8 (without a byte-order mark).",
                    null, bad + colBase);
                return ctx.Info;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line, ParseOptions);
            }
            catch (JsonException ex)
            {
                ctx.Info.Kind = LineKind.Broken;
                int col = (int)(ex.BytePositionInLine ?? 0) + colBase;
                var msg = ex.Message;
                int cut = msg.IndexOf(" LineNumber:", StringComparison.Ordinal);
                if (cut > 0) msg = msg.Substring(0, cut);
                ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.InvalidJson,
                    $"Invalid JSON at column {col}: {msg.Trim()} Each line must be one complete JSON object (no line breaks inside it).",
                    null, col);
                return ctx.Info;
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    ctx.Info.Kind = LineKind.Broken;
                    ctx.Add(FindingScope.All, FindingSeverity.Error, FindingCodes.NotAnObject,
                        $"The line is {Describe(root.ValueKind)}, not an object. Each example must be an object such as {{\"messages\": [...]}}.");
                    return ctx.Info;
                }
                ctx.Info.Hash = CanonicalFingerprint(line.Span);

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

                if (hasPref) { ctx.Info.Kind = LineKind.Preference; PreferenceChecker.Check(ctx, root); }
                else if (hasMessages) { ctx.Info.Kind = LineKind.Messages; MessagesLineChecker.Check(ctx, root); }
                else if (hasPc) { ctx.Info.Kind = LineKind.PromptCompletion; PromptCompletionChecker.Check(ctx, root); }
                else ctx.Info.Kind = LineKind.Unknown;
            }
            return ctx.Info;
        }

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

        private static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r';
    }
}
