using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>Export-FineTuningReport: one self-contained HTML page with the jobs' curves, comparison, settings, timelines and errors.</summary>
    [Cmdlet(VerbsData.Export, "FineTuningReport", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportFineTuningReportCommand : CollectedJobsCommand
    {
        /// <summary>The HTML file to write.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Dataset checks (Test-FineTuningDataset's reports) to include: token statistics and findings.</summary>
        [Parameter]
        [ValidateNotNull]
        public DatasetReport[]? Dataset { get; set; }

        /// <summary>The page's title.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = "Fine-tuning report";

        /// <summary>Open the report in the default browser once written.</summary>
        [Parameter] public SwitchParameter Open { get; set; }

        /// <summary>Overwrite an existing file.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            var target = ResolveOutputPath(Path);
            if (Directory.Exists(target))
            {
                ThrowTerminatingError(new ErrorRecord(new IOException($"'{target}' is a folder; -Path takes the report's file name, such as report.html."), "PathIsDirectory", ErrorCategory.InvalidArgument, Path));
                return;
            }
            if (File.Exists(target) && !Force)
            {
                ThrowTerminatingError(new ErrorRecord(new IOException($"'{target}' already exists; use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, target));
                return;
            }

            var client = Client;
            var jobs = new List<ReportJob>();
            ForEachJob(4, "Reading fine-tuning jobs for the report", id =>
            {
                if (!TryRun(ct => client.Jobs.GetAsync(id, ct), id, out var job)) return;
                if (!TryRun(ct => MetricReader.ReadAsync(client, job, ct), id, out var metrics)) return;
                var checkpoints = new Pager<FineTuningCheckpoint>((after, limit, ct) => client.Jobs.ListCheckpointsAsync(id, after, limit, ct), c => c.Id, 100);
                if (!TryRun(ct => checkpoints.ToListAsync(ct), id, out var checkpointList)) return;
                var events = new Pager<FineTuningEvent>((after, limit, ct) => client.Jobs.ListEventsAsync(id, after, limit, ct), e => e.Id, 100);
                if (!TryRun(ct => events.ToListAsync(ct), id, out var eventList)) return;
                jobs.Add(new ReportJob(job, metrics, checkpointList, eventList));
            });
            if (jobs.Count == 0)
            {
                WriteError(new ErrorRecord(new InvalidOperationException("None of the jobs could be read; no report was written."), "NoJobsToReport", ErrorCategory.InvalidOperation, Path));
                return;
            }
            if (!ShouldProcess(target, $"Write a report of {jobs.Count} job(s)")) return;

            var datasets = (Dataset ?? Array.Empty<DatasetReport>()).Select(ToReport).ToList();
            var html = HtmlReport.Build(jobs, datasets, DateTimeOffset.UtcNow, Title);
            try
            {
                var folder = System.IO.Path.GetDirectoryName(target);
                if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
                FileWriter.WriteAllText(target, html);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, target, "File"));
                return;
            }
            var file = new FileInfo(target);
            WriteObject(file);
            if (Open) OpenInBrowser(file.FullName);
        }

        internal static ReportDataset ToReport(DatasetReport report)
        {
            var d = new ReportDataset
            {
                Name = report.Path,
                Format = report.Format.ToString(),
                Examples = report.Examples,
                ValidExamples = report.ValidExamples,
                ErrorCount = report.ErrorCount,
                WarningCount = report.WarningCount,
                TotalTokens = report.Tokens.Total,
                MinTokens = report.Tokens.Min,
                MeanTokens = report.Tokens.Mean,
                MedianTokens = report.Tokens.Median,
                P90Tokens = report.Tokens.P90,
                MaxTokens = report.Tokens.Max,
                TokenLimit = report.Tokens.TokenLimit,
                OverLimit = report.Tokens.OverLimit,
                BillableTokensPerEpoch = report.Tokens.BillableTokensPerEpoch,
                Epochs = report.Epochs,
                EstimatedBilledTokens = report.EstimatedBilledTokens,
                EstimatedCost = report.EstimatedCost,
            };
            foreach (var f in report.Findings) d.Findings.Add((f.LineNumber, f.Severity.ToString(), f.Code, f.Message));
            return d;
        }

        private void OpenInBrowser(string path)
        {
            try
            {
                var uri = new Uri(path).AbsoluteUri;
                System.Diagnostics.ProcessStartInfo start;
                if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
                    start = new System.Diagnostics.ProcessStartInfo(path) { UseShellExecute = true };
                else if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.OSX))
                    start = new System.Diagnostics.ProcessStartInfo("open", "\"" + uri + "\"") { UseShellExecute = false };
                else
                    start = new System.Diagnostics.ProcessStartInfo("xdg-open", "\"" + uri + "\"") { UseShellExecute = false };
                using (System.Diagnostics.Process.Start(start)) { }
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException || ex is FileNotFoundException)
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"The report was written to '{path}' but no browser could be started to open it ({ex.Message}).", ex),
                    "ReportNotOpened", ErrorCategory.ResourceUnavailable, path));
            }
        }
    }
}
