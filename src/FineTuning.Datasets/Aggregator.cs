using System;
using System.Collections.Generic;
using System.Globalization;

namespace FineTuning.Datasets
{
    /// <summary>Merges checked blocks in file order and builds the report. Runs on one thread.</summary>
    internal sealed class Aggregator
    {
        private const int MinExamples = DatasetValidator.MinimumExamples;
        private const int HistogramSize = 1 << 17;

        private readonly string _path;
        private readonly DatasetValidationOptions _options;
        private readonly string _encoding;
        private readonly int _limit;

        private readonly List<DatasetFinding> _findings = new List<DatasetFinding>();
        private readonly Dictionary<string, long> _counts = new Dictionary<string, long>(StringComparer.Ordinal);
        private readonly FingerprintTable _seen = new FingerprintTable();
        private readonly long[] _histogram = new long[HistogramSize];
        private readonly SortedDictionary<int, long> _bigCounts = new SortedDictionary<int, long>();
        private bool _truncated;
        private long _errors, _warnings;

        private long _lineBase;
        private long _imageExamples;
        internal const int MaxImageExamples = 50000;
        private long _examples, _valid, _invalid, _counted;
        private long _tokens, _trained, _billable;
        private int _min = int.MaxValue, _max, _overLimit;

        private LineKind? _firstKind;
        private long _firstKindLine;
        private bool _mixed;
        private bool? _reinforcement; // how messages lines are read; decided at the first one
        private bool? _dataReinforcement; // what the first messages line looks like: ends with a user turn
        private readonly HashSet<LineKind> _fitReported = new HashSet<LineKind>();

        public string? FileProblem;
        public long TotalBytes;

        public Aggregator(string path, DatasetValidationOptions options, string encoding)
        {
            _path = path;
            _options = options;
            _encoding = encoding;
            _limit = options.TokenLimit ?? DatasetValidator.DefaultTokenLimit(options.Model);
            if (options.Method == TrainingMethod.Reinforcement) _reinforcement = true;
            else if (options.Method != null) _reinforcement = false;
            else if (IsReinforcementOnlyModel(options.Model)) _reinforcement = true;
        }

        private static bool IsReinforcementOnlyModel(string? model)
        {
            var m = (model ?? string.Empty).Trim().ToLowerInvariant();
            if (m.StartsWith("ft:", StringComparison.Ordinal)) { var p = m.Split(':'); if (p.Length > 1) m = p[1]; }
            return m.Length > 1 && m[0] == 'o' && char.IsDigit(m[1]);
        }

        public void Merge(DatasetValidator.Block block)
        {
            int f = 0;
            var pending = block.Findings;
            for (int i = 0; i < block.Lines.Count; i++)
            {
                var info = block.Lines[i];
                long line = _lineBase + i + 1;
                if (i == 0 && block.StartsAfterBom)
                    Add(new DatasetFinding(line, FindingSeverity.Error, FindingCodes.ByteOrderMark,
                        "The file starts with a UTF-8 byte-order mark (EF BB BF), which the service does not accept. Save the file as UTF-8 without BOM.", null, 1));
                int fEnd = f;
                while (fEnd < pending.Count && pending[fEnd].LocalLine == i) fEnd++;
                if (MergeLine(info, line, pending, f, fEnd)) _options.OnExample?.Invoke(new DatasetLine(line, block.LineBytes(info)));
                f = fEnd;
            }
            _lineBase += block.Lines.Count;
        }

        /// <summary>Merges one line; true for an example without errors.</summary>
        private bool MergeLine(LineInfo info, long line, List<PendingFinding> pending, int from, int to)
        {
            bool error = false;
            switch (info.Kind)
            {
                case LineKind.Blank:
                    EmitPending(line, pending, from, to, null);
                    return false;
                case LineKind.TooLong:
                    _examples++; _invalid++;
                    Add(new DatasetFinding(line, FindingSeverity.Error, FindingCodes.LineTooLong,
                        $"The line is {info.TooLongBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, over the {_options.MaxLineBytes.ToString("N0", CultureInfo.InvariantCulture)}-byte limit; it was skipped unread. Split the example or remove it (it may also be a file that is not JSONL)."));
                    return false;
                case LineKind.Broken:
                    _examples++; _invalid++;
                    EmitPending(line, pending, from, to, null);
                    return false;
                case LineKind.Unknown:
                    _examples++; _invalid++;
                    ReportUnknown(line);
                    return false;
            }

            _examples++;
            if (_firstKind == null) { _firstKind = info.Kind; _firstKindLine = line; }
            else if (_firstKind != info.Kind)
            {
                _mixed = true;
                error = true;
                Add(new DatasetFinding(line, FindingSeverity.Error, FindingCodes.MixedFormats,
                    $"This line is a {KindName(info.Kind)} example but the file started with {KindName(_firstKind.Value)} examples (line {_firstKindLine}). One file holds one format; move it to its own file."));
            }
            if (info.Kind == LineKind.Messages && _dataReinforcement == null)
            {
                _dataReinforcement = !info.LastIsAssistant;
                if (_reinforcement == null) _reinforcement = _dataReinforcement;
            }
            CheckFit(info.Kind, line);

            bool rft = info.Kind == LineKind.Messages && _reinforcement == true;
            FindingScope? drop = info.Kind != LineKind.Messages ? (FindingScope?)null : rft ? FindingScope.ChatOnly : FindingScope.ReinforcementOnly;
            EmitPending(line, pending, from, to, drop);
            error |= info.ErrorAll || (info.Kind == LineKind.Messages && (rft ? info.ErrorRft : info.ErrorChat));
            if (error) _invalid++; else _valid++;

            if (info.Images > 0 && ++_imageExamples == MaxImageExamples + 1)
                Add(new DatasetFinding(line, FindingSeverity.Error, FindingCodes.TooManyImages,
                    $"This is example number {(MaxImageExamples + 1).ToString("N0", CultureInfo.InvariantCulture)} with images; a file may hold at most {MaxImageExamples.ToString("N0", CultureInfo.InvariantCulture)} of them. Move the rest to another file."));

            // Tokens of every example that parsed into the detected layout, even with findings.
            int tokens = info.Tokens;
            _counted++;
            _tokens += tokens;
            _trained += rft ? 0 : info.Trained;
            _billable += rft ? 0 : Math.Min(tokens, _limit);
            if (tokens < _min) _min = tokens;
            if (tokens > _max) _max = tokens;
            if (tokens < HistogramSize) _histogram[tokens]++;
            else { _bigCounts.TryGetValue(tokens, out var c); _bigCounts[tokens] = c + 1; }
            if (tokens > _limit)
            {
                _overLimit++;
                Add(new DatasetFinding(line, FindingSeverity.Warning, FindingCodes.OverTokenLimit,
                    $"The example has {tokens.ToString("N0", CultureInfo.InvariantCulture)} tokens, over the limit of {_limit.ToString("N0", CultureInfo.InvariantCulture)} for this model; the service will truncate it. Shorten it or split the conversation."));
            }

            if (!_seen.TryAdd(info.Hash, line, out var firstLine))
                Add(new DatasetFinding(line, FindingSeverity.Warning, FindingCodes.DuplicateExample,
                    firstLine > 0
                        ? $"The example repeats line {firstLine} exactly. Duplicates over-weight one example; remove the copy."
                        : "The example repeats an earlier line exactly. Duplicates over-weight one example; remove the copy."));
            return !error;
        }

        private void CheckFit(LineKind kind, long line)
        {
            if (!_fitReported.Add(kind)) return;
            var method = _options.Method;
            var format = FormatOf(kind);
            if (method != null && !Fits(format, method.Value))
                Add(new DatasetFinding(line, FindingSeverity.Error, FindingCodes.FormatDoesNotFitMethod,
                    $"The file holds {FormatName(format)} examples, which the {MethodName(method.Value)} method does not accept. {ExpectedFor(method.Value)}"));
            var model = (_options.Model ?? string.Empty).ToLowerInvariant();
            if (model.Length == 0) return;
            bool legacy = model.Contains("babbage-002") || model.Contains("davinci-002");
            if (legacy && format != DatasetFormat.PromptCompletion)
                Add(new DatasetFinding(line, FindingSeverity.Error, FindingCodes.FormatDoesNotFitModel,
                    $"{_options.Model} is trained on prompt/completion examples, but the file holds {KindName(kind)} examples. Use a chat model or convert the file."));
            else if (!legacy && format == DatasetFormat.PromptCompletion)
                Add(new DatasetFinding(line, FindingSeverity.Error, FindingCodes.FormatDoesNotFitModel,
                    $"Prompt/completion examples are only for babbage-002 and davinci-002; {_options.Model} needs chat examples ({{\"messages\": [...]}})."));
        }

        private void ReportUnknown(long line)
        {
            LineKind? kind = _firstKind;
            string code;
            string message;
            if (kind == LineKind.Preference || (kind == null && _options.Method == TrainingMethod.Dpo))
            {
                code = FindingCodes.InvalidPreferenceInput;
                message = "The object has none of input, preferred_output and non_preferred_output. A preference example is {\"input\": {\"messages\": [...]}, \"preferred_output\": [...], \"non_preferred_output\": [...]}.";
            }
            else if (kind == LineKind.PromptCompletion)
            {
                code = FindingCodes.InvalidPromptCompletion;
                message = "The object has neither 'prompt' nor 'completion'. Each line must be {\"prompt\": \"...\", \"completion\": \"...\"}.";
            }
            else if (_reinforcement == true)
            {
                code = FindingCodes.ReinforcementMissingMessages;
                message = "The example has no 'messages'. A reinforcement example needs \"messages\": [...] ending with a user message; other keys are free-form data for the grader.";
            }
            else
            {
                code = FindingCodes.MissingMessages;
                message = "The object has no 'messages'. A chat example is {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}, {\"role\": \"assistant\", \"content\": \"...\"}]}.";
            }
            Add(new DatasetFinding(line, FindingSeverity.Error, code, message));
        }

        private void EmitPending(long line, List<PendingFinding> pending, int from, int to, FindingScope? drop)
        {
            for (int k = from; k < to; k++)
            {
                var p = pending[k];
                if (drop != null && p.Scope == drop.Value) continue;
                Add(new DatasetFinding(line, p.Severity, p.Code, p.Message, p.Path, p.Column));
            }
        }

        private void Add(DatasetFinding finding)
        {
            _counts.TryGetValue(finding.Code, out var c);
            _counts[finding.Code] = c + 1;
            if (finding.Severity == FindingSeverity.Error) _errors++; else _warnings++;
            if (_findings.Count < _options.MaxFindings) _findings.Add(finding);
            else _truncated = true;
        }

        public DatasetReport Finish()
        {
            // File-level findings (line 0) go first; the per-line ones are already in line order.
            var lineFindings = new List<DatasetFinding>(_findings);
            _findings.Clear();
            if (FileProblem == FindingCodes.BinaryFile)
                Add(new DatasetFinding(0, FindingSeverity.Error, FindingCodes.BinaryFile,
                    "The file holds NUL bytes, so it is binary (an archive, image or database?), not a JSONL text file. Give the .jsonl training file."));
            else if (FileProblem == FindingCodes.NotUtf8)
                Add(new DatasetFinding(0, FindingSeverity.Error, FindingCodes.NotUtf8,
                    "The file is UTF-16 text (it starts with a UTF-16 byte-order mark). Save it as UTF-8 without BOM."));
            else if (_examples == 0)
                Add(new DatasetFinding(0, FindingSeverity.Error, FindingCodes.EmptyFile,
                    TotalBytes == 0 ? "The file is empty. Put one JSON example per line; at least " + MinExamples + " are needed."
                                    : "The file holds only blank lines. Put one JSON example per line; at least " + MinExamples + " are needed."));
            else if (_examples < MinExamples)
                Add(new DatasetFinding(0, FindingSeverity.Error, FindingCodes.TooFewExamples,
                    $"The file has {_examples} example(s), but the service needs at least {MinExamples}. Add more examples (50 to 100 are recommended)."));

            DatasetFormat format = _mixed ? DatasetFormat.Mixed : _firstKind == null ? DatasetFormat.Unknown : FormatOf(_firstKind.Value);
            bool fits = format != DatasetFormat.Unknown && format != DatasetFormat.Mixed &&
                        (_options.Method == null || Fits(format, _options.Method.Value));

            var stats = new TokenStatistics
            {
                Total = _tokens,
                Min = _counted == 0 ? 0 : _min,
                Max = _max,
                Mean = _counted == 0 ? 0 : (double)_tokens / _counted,
                Median = Percentile(0.5),
                P90 = Percentile(0.9),
                TargetTokens = _trained,
                BillableTokensPerEpoch = _billable,
                OverLimit = _overLimit,
                TokenLimit = _limit,
                Encoding = _encoding,
            };
            int auto = EpochHeuristic.AutoEpochs(_examples);
            int epochs = _options.Epochs ?? auto;
            long billed = format == DatasetFormat.Reinforcement ? 0 : _billable * epochs;
            var price = _options.PricePerMillionTokens;
            foreach (var lf in lineFindings)
            {
                if (_findings.Count < _options.MaxFindings) _findings.Add(lf);
                else _truncated = true;
            }
            return new DatasetReport
            {
                Path = _path,
                Format = format,
                FitsMethod = fits,
                Method = _options.Method,
                Model = _options.Model,
                Examples = _examples,
                ValidExamples = _valid,
                InvalidExamples = _invalid,
                IsValid = _errors == 0,
                Findings = _findings,
                FindingCounts = _counts,
                FindingsTruncated = _truncated,
                ErrorCount = _errors,
                WarningCount = _warnings,
                Tokens = stats,
                AutoEpochs = auto,
                Epochs = epochs,
                EstimatedBilledTokens = billed,
                PricePerMillionTokens = price,
                EstimatedCost = price is decimal perMillion && format != DatasetFormat.Reinforcement ? billed * perMillion / 1_000_000m : (decimal?)null,
                Bytes = TotalBytes,
            };
        }

        /// <summary>Nearest-rank percentile of the per-example token counts.</summary>
        private int Percentile(double q)
        {
            if (_counted == 0) return 0;
            long rank = Math.Max(1, (long)Math.Ceiling(q * _counted));
            long seen = 0;
            for (int t = 0; t < HistogramSize; t++)
            {
                seen += _histogram[t];
                if (seen >= rank) return t;
            }
            foreach (var kv in _bigCounts)
            {
                seen += kv.Value;
                if (seen >= rank) return kv.Key;
            }
            return _max;
        }

        private DatasetFormat FormatOf(LineKind kind) => kind switch
        {
            LineKind.PromptCompletion => DatasetFormat.PromptCompletion,
            LineKind.Preference => DatasetFormat.Preference,
            LineKind.Messages => (_dataReinforcement ?? _reinforcement) == true ? DatasetFormat.Reinforcement : DatasetFormat.Chat,
            _ => DatasetFormat.Unknown,
        };

        private static bool Fits(DatasetFormat format, TrainingMethod method) => method switch
        {
            TrainingMethod.Supervised => format == DatasetFormat.Chat || format == DatasetFormat.PromptCompletion,
            TrainingMethod.Dpo => format == DatasetFormat.Preference,
            TrainingMethod.Reinforcement => format == DatasetFormat.Reinforcement,
            _ => false,
        };

        private static string KindName(LineKind kind) => kind switch
        {
            LineKind.Messages => "chat (messages)",
            LineKind.PromptCompletion => "prompt/completion",
            LineKind.Preference => "preference (input/preferred_output/non_preferred_output)",
            _ => "unrecognised",
        };

        // Names a format as the fit check sees it: messages lines are chat or reinforcement by how they end.
        private static string FormatName(DatasetFormat format) => format switch
        {
            DatasetFormat.Chat => "chat (messages ending with the assistant's answer)",
            DatasetFormat.Reinforcement => "reinforcement (messages ending with a user message, no assistant answer)",
            DatasetFormat.PromptCompletion => "prompt/completion",
            DatasetFormat.Preference => "preference (input/preferred_output/non_preferred_output)",
            _ => "unrecognised",
        };

        private static string MethodName(TrainingMethod m) => m switch
        {
            TrainingMethod.Supervised => "supervised",
            TrainingMethod.Dpo => "DPO",
            _ => "reinforcement",
        };

        private static string ExpectedFor(TrainingMethod m) => m switch
        {
            TrainingMethod.Supervised => "Supervised fine-tuning needs chat examples {\"messages\": [...]} whose last message is the assistant's answer (or prompt/completion for babbage-002 and davinci-002).",
            TrainingMethod.Dpo => "DPO needs {\"input\": {\"messages\": [...]}, \"preferred_output\": [...], \"non_preferred_output\": [...]} on every line.",
            _ => "Reinforcement fine-tuning needs {\"messages\": [...]} ending with a user message, plus any fields the grader reads.",
        };
    }
}
