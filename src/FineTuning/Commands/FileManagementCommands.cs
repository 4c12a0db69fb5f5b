using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Remove-FineTuningFile: deletes files from the service.</summary>
    [Cmdlet(VerbsCommon.Remove, "FineTuningFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DeletionResult))]
    public sealed class RemoveFineTuningFileCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId", "file_id")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        [Parameter] public SwitchParameter PassThru { get; set; }

        /// <summary>Delete without asking; -WhatIf still only reports.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override string Noun => "File";

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var id in Id)
            {
                if (!ShouldProcessUnlessForced(Force, id, "Delete file")) continue;
                if (TryRun(ct => client.DeleteFileAsync(id, ct), id, out var result) && PassThru) WriteObject(result);
            }
        }
    }

    /// <summary>Import-FineTuningFile: has Azure OpenAI make a file from content it downloads from a URL (a blob SAS URL).</summary>
    [Cmdlet(VerbsData.Import, "FineTuningFile", SupportsShouldProcess = true)]
    [OutputType(typeof(FineTuningFile))]
    public sealed class ImportFineTuningFileCommand : FineTuningCmdlet
    {
        /// <summary>Where the service downloads the content from; the query (a SAS signature) is never shown.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ContentUrl", "content_url")]
        [ValidateNotNull]
        public Uri? Uri { get; set; }

        /// <summary>The file's name on the service; default: the last segment of the URL's path.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? FileName { get; set; }

        [Parameter]
        [ValidateSet("fine-tune", "batch", "assistants", "vision", "user_data", "evals")]
        public string Purpose { get; set; } = "fine-tune";

        /// <summary>Have the service delete the file this many seconds after it is made (14 to 30 days on Azure).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ExpiresAfterSec { get; set; }

        protected override string Noun => "File";

        protected override void BeginProcessing()
        {
            try
            {
                Client.EnsureCanImportFiles();
                Client.EnsureValidFileLifetime(MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAfterSec)) ? ExpiresAfterSec : (long?)null);
            }
            catch (Exception ex) when (ex is NotSupportedException || ex is ParameterValidationException)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
            }
        }

        protected override void ProcessRecord()
        {
            var uri = Uri!;
            var shown = FineTuningClient.Redact(uri);
            var name = FileName;
            if (string.IsNullOrEmpty(name) && uri.IsAbsoluteUri)
                name = System.Uri.UnescapeDataString(uri.AbsolutePath.Split('/').LastOrDefault() ?? string.Empty);
            if (!ShouldProcess($"{shown} as '{name}', purpose '{Purpose}'", "Import file")) return;
            var lifetime = MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAfterSec)) ? ExpiresAfterSec : (long?)null;
            if (TryRun(ct => Client.ImportFileAsync(uri, name ?? string.Empty, Purpose, ct, lifetime), shown, out var file)) WriteObject(file);
        }
    }

    /// <summary>Save-FineTuningFile: streams a file's content to disk, decoding base64 result files.</summary>
    [Cmdlet(VerbsData.Save, "FineTuningFile", SupportsShouldProcess = true, DefaultParameterSetName = "Job")]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveFineTuningFileCommand : FineTuningCmdlet
    {
        [Parameter(ParameterSetName = "Id", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId", "file_id")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; } = string.Empty;

        /// <summary>A job whose result files (its metrics) are saved; a job piped in binds here.</summary>
        [Parameter(ParameterSetName = "Job", Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public FineTuningJob? Job { get; set; }

        /// <summary>
        /// Where to write (-Path, as PowerShell's Save- cmdlets name it; -OutFile also works); a folder keeps the file's
        /// own name. Default: the file's name in the current folder.
        /// </summary>
        [Parameter(Position = 1)]
        [Alias("OutFile")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Write the bytes exactly as served, without decoding base64 result files.</summary>
        [Parameter] public SwitchParameter Raw { get; set; }

        /// <summary>Overwrite an existing file.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override string Noun => "File";

        protected override void ProcessRecord()
        {
            if (ParameterSetName != "Job")
            {
                Save(Id);
                return;
            }
            var job = Job!;
            if (job.ResultFiles is null || job.ResultFiles.Count == 0)
            {
                WriteError(new ErrorRecord(
                    new InvalidOperationException($"Job {job.Id} has no result files (status {job.Status}); a job gets them when it succeeds."),
                    "JobHasNoResultFiles", ErrorCategory.InvalidOperation, job));
                return;
            }
            foreach (var id in job.ResultFiles) Save(id);
        }

        private void Save(string id)
        {
            var client = Client;
            if (!TryRun(ct => client.GetFileAsync(id, ct), id, out var info)) return;
            // The service's name for the file is reduced to a leaf name that stays in the folder (DownloadTarget).
            DownloadTarget where;
            try
            {
                where = DownloadTarget.Resolve(SessionState.Path.CurrentFileSystemLocation.ProviderPath,
                    Path is null ? null : GetUnresolvedProviderPathFromPSPath(Path), info.Filename, id);
            }
            catch (Exception ex) when (ex is UnsafeFileNameException || ex is IOException || ex is ArgumentException || ex is NotSupportedException)
            {
                WriteError(ErrorMapping.ToErrorRecord(ex, id, Noun));
                return;
            }
            if (where.Renamed) WriteVerbose($"The service's name for {id}, '{where.ServiceName}', is saved as '{where.Name}'.");
            var target = where.Path;
            if (File.Exists(target) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{target}' already exists; use -Force to overwrite it."),
                    "FileExists", ErrorCategory.ResourceExists, target));
                return;
            }
            if (!ShouldProcess($"{id} ({TerminalText.Cell(info.Filename)}) to {target}", "Save file")) return;

            var partial = target + ".partial";
            try
            {
                using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    if (!TryRun(ct => client.DownloadFileContentAsync(id, stream, ct), id, out _)) return;
                }
                var decode = !Raw && string.Equals(info.Purpose, "fine-tune-results", StringComparison.Ordinal) && IsBase64File(partial);
                if (decode)
                {
                    var decoded = target + ".decoded";
                    using (var input = File.OpenRead(partial))
                    using (var transform = new FromBase64Transform(FromBase64TransformMode.IgnoreWhiteSpaces))
                    using (var reader = new CryptoStream(input, transform, CryptoStreamMode.Read))
                    using (var output = File.Create(decoded))
                    {
                        reader.CopyTo(output);
                    }
                    File.Delete(partial);
                    partial = decoded;
                    WriteVerbose($"{id} came base64-encoded; wrote the decoded content.");
                }
                if (File.Exists(target)) File.Delete(target);
                File.Move(partial, target);
                WriteObject(SavedFile(target));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                WriteError(ErrorMapping.ToErrorRecord(ex, id, Noun));
            }
            finally
            {
                if (File.Exists(partial)) File.Delete(partial);
            }
        }

        /// <summary>
        /// The saved file as Get-Item gives it: through the FileSystem provider, so it carries the provider's properties
        /// (mode, owner, size, folder) that PowerShell's file view shows, instead of a bare FileInfo whose columns are blank.
        /// </summary>
        private object SavedFile(string target)
        {
            try
            {
                var items = InvokeProvider.Item.Get(new[] { target }, true, true);
                if (items.Count == 1) return items[0];
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is ItemNotFoundException || ex is NotSupportedException)
            {
                // A session without the FileSystem provider: the plain FileInfo still says where the file is.
            }
            return new FileInfo(target);
        }

        private static bool IsBase64File(string path)
        {
            var buffer = new byte[64 * 1024];
            using var stream = File.OpenRead(path);
            var read = stream.Read(buffer, 0, buffer.Length);
            return ResultFile.LooksBase64(buffer, read);
        }
    }

    /// <summary>Get-FineTuningMetric: the training metrics of a job, one row per step.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningMetric")]
    [OutputType(typeof(MetricRow))]
    public sealed class GetFineTuningMetricCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        protected override string Noun => "Job";

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var id in Id)
            {
                if (!TryRun(ct => client.GetJobAsync(id, ct), id, out var job)) continue;
                // Without a result file yet (the job is still running, or failed), the metrics events say the same so far.
                if (job.ResultFiles is null || job.ResultFiles.Count == 0)
                    WriteVerbose($"Job {id} ({job.Status}) has no result file yet; reading its metrics events.");
                if (!TryRun(ct => MetricReader.ReadAsync(client, job, ct), id, out var rows)) continue;
                foreach (var row in rows) WriteObject(row);
            }
        }
    }

    /// <summary>Show-FineTuningMetric: draws metric rows (from Get-FineTuningMetric) as a text chart, one per job.</summary>
    [Cmdlet(VerbsCommon.Show, "FineTuningMetric")]
    [OutputType(typeof(string))]
    public sealed class ShowFineTuningMetricCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MetricRow? InputObject { get; set; }

        /// <summary>What to draw; metrics without values are left out.</summary>
        [Parameter(Position = 0)]
        [ValidateSet("TrainLoss", "ValidLoss", "FullValidLoss", "TrainAccuracy", "ValidMeanTokenAccuracy", "FullValidMeanTokenAccuracy")]
        public string[] Metric { get; set; } = { "TrainLoss", "ValidLoss" };

        /// <summary>Columns of the chart, labels included; default: the console's width.</summary>
        [Parameter]
        [ValidateRange(30, 1000)]
        public int Width { get; set; }

        [Parameter]
        [ValidateRange(3, 100)]
        public int Height { get; set; } = 12;

        /// <summary>Draw every job on one chart with shared axes, each job and metric with its own mark.</summary>
        [Parameter] public SwitchParameter Overlay { get; set; }

        private readonly List<string> _jobs = new List<string>();
        private readonly Dictionary<string, List<MetricRow>> _rows = new Dictionary<string, List<MetricRow>>(StringComparer.Ordinal);

        protected override void ProcessRecord()
        {
            var row = InputObject!;
            var job = row.JobId ?? string.Empty;
            if (!_rows.TryGetValue(job, out var list))
            {
                _rows[job] = list = new List<MetricRow>();
                _jobs.Add(job);
            }
            list.Add(row);
        }

        protected override void EndProcessing()
        {
            var width = MyInvocation.BoundParameters.ContainsKey(nameof(Width)) ? Width : ConsoleWidth();
            if (Overlay)
            {
                var overlay = MetricChart.RenderOverlay(_jobs.Select(j => (string.IsNullOrEmpty(j) ? "(no job)" : j, (IEnumerable<MetricRow>)_rows[j])), Metric, width, Height);
                if (overlay.Count == 0) WriteWarning($"The rows had no values for {string.Join(", ", Metric)}; nothing to draw.");
                foreach (var line in overlay) WriteObject(line);
                return;
            }
            var first = true;
            foreach (var job in _jobs)
            {
                var lines = MetricChart.Render(_rows[job], Metric, width, Height, string.IsNullOrEmpty(job) ? null : job);
                if (lines.Count == 0)
                {
                    WriteWarning($"{(string.IsNullOrEmpty(job) ? "The rows" : "Job " + job)} had no values for {string.Join(", ", Metric)}; nothing to draw.");
                    continue;
                }
                if (!first) WriteObject(string.Empty);
                first = false;
                foreach (var line in lines) WriteObject(line);
            }
        }

        private int ConsoleWidth()
        {
            try
            {
                var columns = Host.UI.RawUI.WindowSize.Width;
                if (columns > 0) return Math.Max(40, Math.Min(200, columns - 1));
            }
            catch (Exception)
            {
                // No console (a job, a remote or redirected host): a fixed width.
            }
            return 100;
        }
    }
}
