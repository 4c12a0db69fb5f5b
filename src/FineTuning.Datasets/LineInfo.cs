namespace FineTuning.Datasets
{
    /// <summary>What a line is, as <see cref="LineChecker"/> classifies it.</summary>
    internal enum LineKind : byte { Blank, Broken, Unknown, Messages, PromptCompletion, Preference, TooLong }

    /// <summary>Which reading of a <c>messages</c> line a finding belongs to.</summary>
    internal enum FindingScope : byte { All, ChatOnly, ReinforcementOnly }

    /// <summary>A finding on a line of a block, before the aggregator numbers it in the file and keeps or drops it by its scope.</summary>
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

    /// <summary>What the checks found on one line: its kind, its counts and fingerprint, whether it has errors (by reading).</summary>
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
}
