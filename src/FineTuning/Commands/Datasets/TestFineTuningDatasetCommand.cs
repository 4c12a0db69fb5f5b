using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>Test-FineTuningDataset: checks a JSONL training file locally, line by line, with exact token counts.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "FineTuningDataset", DefaultParameterSetName = "Path")]
    [OutputType(typeof(DatasetReport))]
    public sealed class TestFineTuningDatasetCommand : PSCmdlet
    {
        /// <summary>The type name that selects the view listing every finding.</summary>
        public const string DetailedTypeName = "FineTuning.Datasets.DatasetReport#Detailed";

        /// <summary>Files to check; wildcards are expanded.</summary>
        [Parameter(ParameterSetName = "Path", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>Files to check, taken exactly as written (file objects from Get-ChildItem bind here).</summary>
        [Parameter(ParameterSetName = "LiteralPath", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        /// <summary>The training method the file is meant for; the format must fit it.</summary>
        [Parameter]
        public TrainingMethod Method { get; set; } = TrainingMethod.Supervised;

        /// <summary>The model to fine-tune: it picks the token encoding and the per-example token limit.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ModelCompleter))]
        [ValidateNotNullOrEmpty]
        public string Model { get; set; } = "gpt-4o-mini-2024-07-18";

        /// <summary>Epochs for the cost estimate; default: what the service picks on "auto".</summary>
        [Parameter]
        [ValidateRange(1, 50)]
        public int Epochs { get; set; }

        /// <summary>What a million trained tokens of the model cost, in any currency: the report then estimates the job's cost.</summary>
        [Parameter]
        [ValidateRange(0.0, 1000000.0)]
        public double PricePerMillionTokens { get; set; }

        /// <summary>Show every finding rather than the first few of each kind (the report holds all of them either way).</summary>
        [Parameter] public SwitchParameter Detailed { get; set; }

        private System.Threading.CancellationTokenSource? _stop;

        protected override void ProcessRecord()
        {
            var literal = ParameterSetName == "LiteralPath";
            foreach (var full in (literal ? LiteralPath : Path).SelectMany(item => CmdletHelpers.ResolveFiles(this, item, literal)))
            {
                var bound = MyInvocation.BoundParameters;
                var report = Validate(this, full, Method, Model, bound.ContainsKey(nameof(Epochs)) ? Epochs : (int?)null, ref _stop,
                    bound.ContainsKey(nameof(PricePerMillionTokens)) ? (decimal)PricePerMillionTokens : (decimal?)null);
                if (report is null) continue;
                var output = PSObject.AsPSObject(report);
                if (Detailed) output.TypeNames.Insert(0, DetailedTypeName);
                WriteObject(output);
            }
        }

        /// <summary>Runs the validator with a progress bar; null (and an error written) when it fails.</summary>
        internal static DatasetReport? Validate(PSCmdlet cmdlet, string full, TrainingMethod? method, string? model, int? epochs,
            ref System.Threading.CancellationTokenSource? stop, decimal? pricePerMillionTokens = null)
        {
            var length = new FileInfo(full).Length;
            var activity = $"Checking {System.IO.Path.GetFileName(full)}";
            stop = new System.Threading.CancellationTokenSource();
            var progress = new Progress();
            var options = new DatasetValidationOptions { Method = method, Model = model, Epochs = epochs, PricePerMillionTokens = pricePerMillionTokens };
            var token = stop.Token;
            var task = System.Threading.Tasks.Task.Run(() => DatasetValidator.Validate(full, options, progress, token));
            try
            {
                while (!task.Wait(200))
                {
                    var percent = length == 0 ? 100 : (int)Math.Min(100, progress.Bytes * 100 / length);
                    cmdlet.WriteProgress(new ProgressRecord(2, activity, $"{progress.Bytes:N0} of {length:N0} bytes") { PercentComplete = percent });
                }
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                cmdlet.WriteError(ErrorMapping.ToErrorRecord(ex, full, "Dataset"));
                return null;
            }
            finally
            {
                cmdlet.WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        protected override void StopProcessing()
        {
            _stop?.Cancel();
        }

        private sealed class Progress : IProgress<long>
        {
            private long _bytes;
            public long Bytes => System.Threading.Interlocked.Read(ref _bytes);
            public void Report(long value) => System.Threading.Interlocked.Exchange(ref _bytes, value);
        }
    }
}
