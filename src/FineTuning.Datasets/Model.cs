using System;
using System.Collections.Generic;
using System.Globalization;

namespace FineTuning.Datasets
{
    /// <summary>The layout of the examples in a training file.</summary>
    public enum DatasetFormat { Unknown, Chat, PromptCompletion, Preference, Reinforcement, Mixed }

    /// <summary>The fine-tuning method a file is meant for (the job's <c>method.type</c>).</summary>
    public enum TrainingMethod { Supervised, Dpo, Reinforcement }

    public enum FindingSeverity { Warning, Error }

    /// <summary>Stable finding codes. A code never changes meaning once released.</summary>
    public static class FindingCodes
    {
        public const string NotUtf8 = nameof(NotUtf8);
        public const string ByteOrderMark = nameof(ByteOrderMark);
        public const string BlankLine = nameof(BlankLine);
        public const string InvalidJson = nameof(InvalidJson);
        public const string NotAnObject = nameof(NotAnObject);
        public const string MissingMessages = nameof(MissingMessages);
        public const string EmptyMessages = nameof(EmptyMessages);
        public const string InvalidMessage = nameof(InvalidMessage);
        public const string MissingRole = nameof(MissingRole);
        public const string UnknownRole = nameof(UnknownRole);
        public const string MissingContent = nameof(MissingContent);
        public const string EmptyContent = nameof(EmptyContent);
        public const string InvalidContentType = nameof(InvalidContentType);
        public const string TooManyImages = nameof(TooManyImages);
        public const string InvalidFieldType = nameof(InvalidFieldType);
        public const string UnrecognizedKey = nameof(UnrecognizedKey);
        public const string NoAssistantMessage = nameof(NoAssistantMessage);
        public const string NothingToTrain = nameof(NothingToTrain);
        public const string InvalidWeight = nameof(InvalidWeight);
        public const string InvalidToolCall = nameof(InvalidToolCall);
        public const string InvalidFunctionCall = nameof(InvalidFunctionCall);
        public const string InvalidTool = nameof(InvalidTool);
        public const string InvalidPromptCompletion = nameof(InvalidPromptCompletion);
        public const string InvalidPreferenceInput = nameof(InvalidPreferenceInput);
        public const string MissingPreferredOutput = nameof(MissingPreferredOutput);
        public const string MissingNonPreferredOutput = nameof(MissingNonPreferredOutput);
        public const string ReinforcementMissingMessages = nameof(ReinforcementMissingMessages);
        public const string LastMessageNotUser = nameof(LastMessageNotUser);
        public const string MixedFormats = nameof(MixedFormats);
        public const string TooFewExamples = nameof(TooFewExamples);
        public const string DuplicateExample = nameof(DuplicateExample);
        public const string OverTokenLimit = nameof(OverTokenLimit);
        public const string FormatDoesNotFitMethod = nameof(FormatDoesNotFitMethod);
        public const string FormatDoesNotFitModel = nameof(FormatDoesNotFitModel);
        public const string EmptyFile = nameof(EmptyFile);
        public const string LineTooLong = nameof(LineTooLong);
        public const string BinaryFile = nameof(BinaryFile);
    }

    /// <summary>One problem found in a dataset.</summary>
    public sealed class DatasetFinding
    {
        public DatasetFinding(long lineNumber, FindingSeverity severity, string code, string message, string? fieldPath = null, int? column = null)
        {
            LineNumber = lineNumber;
            Severity = severity;
            Code = code ?? throw new ArgumentNullException(nameof(code));
            Message = message ?? throw new ArgumentNullException(nameof(message));
            FieldPath = fieldPath;
            Column = column;
        }

        /// <summary>1-based line of the file; 0 for findings about the whole file.</summary>
        public long LineNumber { get; }
        public FindingSeverity Severity { get; }
        /// <summary>Stable PascalCase code, see <see cref="FindingCodes"/>.</summary>
        public string Code { get; }
        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get; }
        /// <summary>JSON path of the offending value inside the line, e.g. <c>messages[2].content</c>.</summary>
        public string? FieldPath { get; }
        /// <summary>1-based byte column inside the line (for InvalidJson and NotUtf8).</summary>
        public int? Column { get; }

        public override string ToString()
        {
            var where = LineNumber > 0 ? "line " + LineNumber.ToString(CultureInfo.InvariantCulture) : "file";
            if (Column.HasValue) where += ", column " + Column.Value.ToString(CultureInfo.InvariantCulture);
            if (!string.IsNullOrEmpty(FieldPath)) where += ", " + FieldPath;
            return $"{where}: {(Severity == FindingSeverity.Error ? "error" : "warning")} {Code}: {Message}";
        }
    }

    public sealed class DatasetValidationOptions
    {
        /// <summary>The method the file is for. Null: any recognised format fits.</summary>
        public TrainingMethod? Method { get; set; }
        /// <summary>The base model; picks the encoding and the default token limit.</summary>
        public string? Model { get; set; }
        /// <summary>At most this many findings are kept in the report (counts per code are always complete).</summary>
        public int MaxFindings { get; set; } = int.MaxValue;
        /// <summary>Per-example token limit; default by model, see <see cref="DatasetValidator.DefaultTokenLimit"/>.</summary>
        public int? TokenLimit { get; set; }
        /// <summary>Epochs for the billing estimate; null uses the service's <c>auto</c> choice.</summary>
        public int? Epochs { get; set; }
        /// <summary>The price of a million trained tokens for the model, for <see cref="DatasetReport.EstimatedCost"/>; null: no cost estimate.</summary>
        public decimal? PricePerMillionTokens { get; set; }
        /// <summary>Lines longer than this (bytes) are reported as LineTooLong and skipped without being read into memory.</summary>
        public int MaxLineBytes { get; set; } = 64 * 1024 * 1024;
        /// <summary>Worker threads that parse and count; default min(2, processors).</summary>
        public int? Parallelism { get; set; }
        /// <summary>
        /// Called in line order, on the thread that called Validate, with every example line that has no error, while the
        /// file is read: the way to use a file's examples with the validator's reading and rules, in one pass. The line's
        /// bytes are only valid during the call.
        /// </summary>
        public Action<DatasetLine>? OnExample { get; set; }
    }

    /// <summary>An example line the validator accepted: its 1-based line number and its UTF-8 bytes (a JSON object).</summary>
    public readonly struct DatasetLine
    {
        public DatasetLine(long lineNumber, ReadOnlyMemory<byte> utf8)
        {
            LineNumber = lineNumber;
            Utf8 = utf8;
        }

        public long LineNumber { get; }
        public ReadOnlyMemory<byte> Utf8 { get; }
    }

    public sealed class TokenStatistics
    {
        /// <summary>Tokens of all valid examples, chat counting rules included.</summary>
        public long Total { get; internal set; }
        /// <summary>Per-example minimum (0 when there are no valid examples).</summary>
        public int Min { get; internal set; }
        public double Mean { get; internal set; }
        public int Median { get; internal set; }
        public int P90 { get; internal set; }
        public int Max { get; internal set; }
        /// <summary>
        /// Tokens of the content the model is trained to produce, in one pass over the file: assistant messages with
        /// weight 1 (chat), completions (prompt/completion), both outputs (preference); 0 for reinforcement. Not what
        /// the service bills: that is <see cref="BillableTokensPerEpoch"/> times the epochs, which a job reports as its
        /// trained_tokens (FineTuningJob.TrainedTokens).
        /// </summary>
        public long TargetTokens { get; internal set; }
        /// <summary>Tokens the service bills per epoch: the sum over examples of min(tokens, limit), since longer examples are truncated.</summary>
        public long BillableTokensPerEpoch { get; internal set; }
        /// <summary>Examples over <see cref="TokenLimit"/>; the service truncates them.</summary>
        public int OverLimit { get; internal set; }
        public int TokenLimit { get; internal set; }
        /// <summary>The tiktoken encoding used, o200k_base or cl100k_base.</summary>
        public string Encoding { get; internal set; } = string.Empty;
    }

    public sealed class DatasetReport
    {
        public string Path { get; internal set; } = string.Empty;
        public DatasetFormat Format { get; internal set; }
        /// <summary>True when the detected format is one the method accepts (always true when no method was given and the format is recognised).</summary>
        public bool FitsMethod { get; internal set; }
        public TrainingMethod? Method { get; internal set; }
        public string? Model { get; internal set; }
        /// <summary>Non-blank lines.</summary>
        public long Examples { get; internal set; }
        public long ValidExamples { get; internal set; }
        public long InvalidExamples { get; internal set; }
        /// <summary>No finding of severity Error.</summary>
        public bool IsValid { get; internal set; }
        public IReadOnlyList<DatasetFinding> Findings { get; internal set; } = Array.Empty<DatasetFinding>();
        /// <summary>Number of findings per code, complete even when <see cref="DatasetValidationOptions.MaxFindings"/> cut the list.</summary>
        public IReadOnlyDictionary<string, long> FindingCounts { get; internal set; } = new Dictionary<string, long>();
        public bool FindingsTruncated { get; internal set; }
        public long ErrorCount { get; internal set; }
        public long WarningCount { get; internal set; }
        public TokenStatistics Tokens { get; internal set; } = new TokenStatistics();
        /// <summary>The epochs the service picks for <c>n_epochs: auto</c> (see <see cref="EpochHeuristic"/>).</summary>
        public int AutoEpochs { get; internal set; }
        /// <summary>Epochs used for the estimate: the option's value or <see cref="AutoEpochs"/>.</summary>
        public int Epochs { get; internal set; }
        /// <summary><see cref="TokenStatistics.BillableTokensPerEpoch"/> x <see cref="Epochs"/>; 0 for reinforcement, which is billed by time.</summary>
        public long EstimatedBilledTokens { get; internal set; }
        /// <summary>The price per million tokens the estimate used, as given; null when none was.</summary>
        public decimal? PricePerMillionTokens { get; internal set; }
        /// <summary>
        /// <see cref="EstimatedBilledTokens"/> x <see cref="PricePerMillionTokens"/> / 1,000,000, in the price's currency; null without a
        /// price, and for reinforcement files, which are billed by training time rather than by token.
        /// </summary>
        public decimal? EstimatedCost { get; internal set; }
        public long Bytes { get; internal set; }
        public TimeSpan Elapsed { get; internal set; }

        /// <summary>The first <paramref name="perCode"/> findings of each code, in line order: what a display shows by default.</summary>
        public IReadOnlyList<DatasetFinding> FirstFindingsPerCode(int perCode = 3)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var result = new List<DatasetFinding>();
            foreach (var f in Findings)
            {
                seen.TryGetValue(f.Code, out var n);
                if (n < perCode) result.Add(f);
                seen[f.Code] = n + 1;
            }
            return result;
        }

        public override string ToString() => Path;
    }

    /// <summary>The service's choice of epochs for <c>n_epochs: "auto"</c>.</summary>
    public static class EpochHeuristic
    {
        public const int TargetEpochs = 3;
        public const int MinTargetExamples = 100;
        public const int MaxTargetExamples = 25000;
        public const int MinDefaultEpochs = 1;
        public const int MaxDefaultEpochs = 25;

        /// <summary>3 epochs, raised for small sets so that epochs x examples reaches 100 (at most 25),
        /// lowered for large sets so that it stays near 25,000 (at least 1). 0 for no examples.</summary>
        public static int AutoEpochs(long examples)
        {
            if (examples <= 0) return 0;
            if (examples * TargetEpochs < MinTargetExamples)
                return (int)Math.Min(MaxDefaultEpochs, MinTargetExamples / examples);
            if (examples * TargetEpochs > MaxTargetExamples)
                return (int)Math.Max(MinDefaultEpochs, MaxTargetExamples / examples);
            return TargetEpochs;
        }
    }
}
