using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// Draws metric rows (one job's steps) as a text chart: steps along, values up, one mark per series
    /// (<c>*</c>, <c>o</c>, <c>+</c>, <c>x</c>; <c>#</c> where two meet). Plain ASCII, so it reads the same in any console
    /// and in a log file.
    /// </summary>
    public static class MetricChart
    {
        /// <summary>The metrics that can be drawn, by the names the rows' properties have.</summary>
        public static readonly IReadOnlyList<string> Metrics = new[]
        {
            "TrainLoss", "ValidLoss", "FullValidLoss", "TrainAccuracy", "ValidMeanTokenAccuracy", "FullValidMeanTokenAccuracy",
        };

        private static readonly char[] Marks = { '*', 'o', '+', 'x', '@', '%', '&', '=', '~', '^' };

        public static double? Value(MetricRow row, string metric)
        {
            switch (metric)
            {
                case "TrainLoss": return row.TrainLoss;
                case "ValidLoss": return row.ValidLoss;
                case "FullValidLoss": return row.FullValidLoss;
                case "TrainAccuracy": return row.TrainAccuracy;
                case "ValidMeanTokenAccuracy": return row.ValidMeanTokenAccuracy;
                case "FullValidMeanTokenAccuracy": return row.FullValidMeanTokenAccuracy;
                default: throw new ArgumentException($"'{metric}' is not a metric; the metrics are {string.Join(", ", Metrics)}.", nameof(metric));
            }
        }

        /// <summary>
        /// The chart's lines: a legend, <paramref name="height"/> plot lines with the top, middle and bottom values on the
        /// left, the step axis, and the first and last step under it. Metrics with no value in any row are left out; no
        /// line at all when none has a value.
        /// </summary>
        public static IReadOnlyList<string> Render(IEnumerable<MetricRow> rows, IEnumerable<string> metrics, int width = 80, int height = 12, string? title = null)
        {
            if (rows is null) throw new ArgumentNullException(nameof(rows));
            if (height < 3) throw new ArgumentOutOfRangeException(nameof(height), height, "A chart is at least 3 lines high.");
            var series = new List<(string Name, char Mark, List<(long Step, double Value)> Points)>();
            foreach (var metric in metrics.Distinct(StringComparer.Ordinal))
            {
                var points = PointsOf(rows, metric);
                if (points.Count > 0) series.Add((metric, Marks[series.Count % Marks.Length], points));
            }
            return Draw(series, width, height, title);
        }

        /// <summary>
        /// One chart of several jobs' metrics overlaid on shared axes: a series per job and metric, each with its own mark,
        /// named by the job (and the metric, when more than one is drawn). The legend wraps to the width.
        /// </summary>
        public static IReadOnlyList<string> RenderOverlay(IEnumerable<(string Job, IEnumerable<MetricRow> Rows)> jobs, IEnumerable<string> metrics, int width = 80, int height = 12)
        {
            if (jobs is null) throw new ArgumentNullException(nameof(jobs));
            if (height < 3) throw new ArgumentOutOfRangeException(nameof(height), height, "A chart is at least 3 lines high.");
            var chosen = metrics.Distinct(StringComparer.Ordinal).ToList();
            var found = new List<(string Job, string Metric, List<(long Step, double Value)> Points)>();
            foreach (var (job, rows) in jobs)
            {
                var list = rows.ToList();
                foreach (var metric in chosen)
                {
                    var points = PointsOf(list, metric);
                    if (points.Count > 0) found.Add((job, metric, points));
                }
            }
            // The metric is named only when more than one of them is drawn.
            var named = found.Select(f => f.Metric).Distinct(StringComparer.Ordinal).Count() > 1;
            var series = found.Select((f, i) => (named ? f.Job + " " + f.Metric : f.Job, Marks[i % Marks.Length], f.Points)).ToList();
            return Draw(series, width, height, null);
        }

        private static List<(long Step, double Value)> PointsOf(IEnumerable<MetricRow> rows, string metric) =>
            rows.OrderBy(r => r.Step).Select(r => (r.Step, Value: Value(r, metric))).Where(p => p.Value.HasValue && !double.IsNaN(p.Value.Value))
                .Select(p => (p.Step, p.Value!.Value)).ToList();

        private static IReadOnlyList<string> Draw(List<(string Name, char Mark, List<(long Step, double Value)> Points)> series, int width, int height, string? title)
        {
            if (series.Count == 0) return Array.Empty<string>();

            var all = series.SelectMany(s => s.Points).ToList();
            double min = all.Min(p => p.Value), max = all.Max(p => p.Value);
            long first = all.Min(p => p.Step), last = all.Max(p => p.Step);
            var middle = (height - 1) / 2;
            var labels = new[] { Format(max), Format(max - (max - min) * middle / (height - 1)), Format(min) };
            var labelWidth = labels.Max(l => l.Length);
            var plotWidth = width - labelWidth - 2;
            if (plotWidth < 10) throw new ArgumentOutOfRangeException(nameof(width), width, $"The chart needs at least {labelWidth + 12} columns for these values.");

            var grid = new char[height, plotWidth];
            for (var y = 0; y < height; y++)
                for (var x = 0; x < plotWidth; x++) grid[y, x] = ' ';
            foreach (var (_, mark, points) in series)
            {
                // Steps that fall in one column are averaged, so a long job still shows its trend rather than its noise.
                foreach (var column in points.GroupBy(p => Column(p.Step, first, last, plotWidth)))
                {
                    var value = column.Average(p => p.Value);
                    var y = max == min ? height / 2 : (int)Math.Round((max - value) / (max - min) * (height - 1));
                    var cell = grid[y, column.Key];
                    grid[y, column.Key] = cell == ' ' || cell == mark ? mark : '#';
                }
            }

            var lines = new List<string>();
            var legend = title is null ? string.Empty : title;
            foreach (var entry in series.Select(s => $"{s.Mark} {s.Name}"))
            {
                // An overlay's legend (no title) wraps to the width; a single job's stays on its title line.
                if (title is null && legend.Length > 0 && legend.Length + 2 + entry.Length > width)
                {
                    lines.Add(legend);
                    legend = entry;
                }
                else
                {
                    legend = legend.Length == 0 ? entry : legend + "  " + entry;
                }
            }
            lines.Add(legend);
            for (var y = 0; y < height; y++)
            {
                var label = y == 0 ? labels[0] : y == height - 1 ? labels[2] : y == middle && height > 4 ? labels[1] : string.Empty;
                var line = new StringBuilder(width);
                line.Append(label.PadLeft(labelWidth)).Append(" |");
                for (var x = 0; x < plotWidth; x++) line.Append(grid[y, x]);
                lines.Add(line.ToString().TrimEnd());
            }
            lines.Add(new string(' ', labelWidth) + " +" + new string('-', plotWidth));
            var firstLabel = "step " + first.ToString(CultureInfo.InvariantCulture);
            var lastLabel = last.ToString(CultureInfo.InvariantCulture);
            var axis = new string(' ', labelWidth + 2) + firstLabel;
            var pad = labelWidth + 2 + plotWidth - axis.Length - lastLabel.Length;
            lines.Add(last == first ? axis : axis + new string(' ', Math.Max(1, pad)) + lastLabel);
            return lines;
        }

        private static int Column(long step, long first, long last, int plotWidth) =>
            last == first ? 0 : (int)Math.Round((step - first) * (plotWidth - 1) / (double)(last - first));

        private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
