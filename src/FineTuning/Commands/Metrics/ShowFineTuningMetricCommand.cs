using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
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
