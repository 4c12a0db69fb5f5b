using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Add-FineTuningFile: uploads a file (multipart) for fine-tuning.</summary>
    [Cmdlet(VerbsCommon.Add, "FineTuningFile", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
    [OutputType(typeof(FineTuningFile))]
    public sealed class AddFineTuningFileCommand : FineTuningCmdlet
    {
        /// <summary>Files to upload; wildcards are expanded.</summary>
        [Parameter(ParameterSetName = "Path", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Files to upload, taken exactly as written (file objects from Get-ChildItem bind here).</summary>
        [Parameter(ParameterSetName = "LiteralPath", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        [Parameter]
        [ValidateSet("fine-tune", "batch", "assistants", "vision", "user_data", "evals")]
        public string Purpose { get; set; } = "fine-tune";

        /// <summary>Send the file in parts through the Uploads API even when it is under 512 MB (larger files always are).</summary>
        [Parameter] public SwitchParameter UseUploadApi { get; set; }

        /// <summary>Upload without checking the dataset first (files of purpose fine-tune are checked by default).</summary>
        [Parameter] public SwitchParameter SkipValidation { get; set; }

        /// <summary>Have the service delete the file this many seconds after it is made (1 hour, or 14 days on Azure, to 30 days).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ExpiresAfterSec { get; set; }

        private long? Lifetime => MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAfterSec)) ? ExpiresAfterSec : (long?)null;

        private System.Threading.CancellationTokenSource? _validationStop;

        protected override void StopProcessing()
        {
            _validationStop?.Cancel();
            base.StopProcessing();
        }

        protected override string Noun => "File";

        protected override void BeginProcessing()
        {
            // A lifetime the service would refuse stops here, before any file is checked or sent.
            try
            {
                Client.Files.EnsureValidLifetime(Lifetime);
            }
            catch (ParameterValidationException ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
            }
        }

        protected override void ProcessRecord()
        {
            var literal = ParameterSetName == "LiteralPath";
            var paths = (literal ? LiteralPath : Path).SelectMany(item => CmdletHelpers.ResolveFiles(this, item, literal), (item, full) => (item, full));
            foreach (var (item, full) in paths)
            {
                var length = new FileInfo(full).Length;
                var name = System.IO.Path.GetFileName(full);
                if (length > UploadsClient.MaxBytes)
                {
                    WriteError(new ErrorRecord(new IOException($"'{full}' is {length:N0} bytes; the service takes files of up to 8 GB."),
                        "FileTooLarge", ErrorCategory.LimitsExceeded, item));
                    continue;
                }
                if (!SkipValidation && Purpose == "fine-tune")
                {
                    var report = TestFineTuningDatasetCommand.Validate(this, full, null, null, null, ref _validationStop);
                    if (report is null) continue;
                    // Fewer than ten examples is fine for a validation file, so it only warns here.
                    var blocking = report.Findings.Where(f => f.Severity == FineTuning.Datasets.FindingSeverity.Error &&
                        f.Code != FineTuning.Datasets.FindingCodes.TooFewExamples).ToList();
                    if (report.Findings.Any(f => f.Code == FineTuning.Datasets.FindingCodes.TooFewExamples))
                        WriteWarning($"{name} has {report.Examples} example(s): enough for a validation file, but a training file needs at least {FineTuning.Datasets.DatasetValidator.MinimumExamples}.");
                    if (blocking.Count > 0)
                    {
                        // Nothing is sent: the service would only fail the job later, after the upload.
                        var first = blocking.Take(5).Select(f => "  " + f);
                        var message = $"'{full}' is not a valid fine-tuning dataset ({blocking.Count} error(s)); nothing was uploaded:\n" +
                            string.Join("\n", first) + (blocking.Count > 5 ? "\n  ..." : string.Empty) +
                            "\nTest-FineTuningDataset lists every finding; -SkipValidation uploads anyway.";
                        ThrowTerminatingError(new ErrorRecord(new InvalidDataException(message), "InvalidDataset", ErrorCategory.InvalidData, item)
                        {
                            ErrorDetails = new ErrorDetails(message),
                        });
                    }
                    WriteVerbose($"{name}: {report.Examples} examples, {report.Tokens.Total:N0} tokens; no errors.");
                }
                var parts = UseUploadApi || length > FilesClient.MaxBytes;
                var how = parts ? $"in {Math.Max(1, (length + UploadsClient.DefaultPartSize - 1) / UploadsClient.DefaultPartSize)} part(s) through the Uploads API" : "through the Files API";
                if (!ShouldProcess($"{full} ({length:N0} bytes) as purpose '{Purpose}', {how}", "Upload file")) continue;

                var client = Client;
                var activity = $"Uploading {name}";
                var progress = new Progress(this, activity, length);
                if (TryRun(ct => parts
                        ? client.Uploads.UploadFileAsync(full, Purpose, name, progress, ct, expiresAfterSeconds: Lifetime)
                        : client.Files.UploadAsync(full, Purpose, name, progress, ct, Lifetime), item, out var file))
                {
                    progress.Complete();
                    WriteObject(file);
                }
                else
                {
                    progress.Complete();
                }
            }
        }

        private sealed class Progress : IProgress<long>
        {
            private readonly AddFineTuningFileCommand _cmdlet;
            private readonly string _activity;
            private readonly long _total;
            private int _lastPercent = -1;

            public Progress(AddFineTuningFileCommand cmdlet, string activity, long total)
            {
                _cmdlet = cmdlet;
                _activity = activity;
                _total = total;
            }

            public void Report(long sent)
            {
                var percent = _total <= 0 ? 100 : (int)Math.Min(100, sent * 100 / _total);
                if (percent == _lastPercent) return;
                _lastPercent = percent;
                var record = new ProgressRecord(1, _activity, $"{sent:N0} of {_total:N0} bytes") { PercentComplete = percent };
                _cmdlet.Post(() => _cmdlet.WriteProgress(record));
            }

            public void Complete()
            {
                _cmdlet.WriteProgress(new ProgressRecord(1, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

    }
}
