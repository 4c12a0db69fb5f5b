using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace FineTuning.Client
{
    /// <summary>One job and what the service reported about it, for a report.</summary>
    public sealed class ReportJob
    {
        public ReportJob(FineTuningJob job, IReadOnlyList<MetricRow> metrics, IReadOnlyList<FineTuningCheckpoint>? checkpoints, IReadOnlyList<FineTuningEvent>? events)
        {
            Job = job ?? throw new ArgumentNullException(nameof(job));
            Metrics = (metrics ?? Array.Empty<MetricRow>()).OrderBy(r => r.Step).ToList();
            Checkpoints = checkpoints ?? Array.Empty<FineTuningCheckpoint>();
            Events = (events ?? Array.Empty<FineTuningEvent>()).OrderBy(e => e.CreatedAt).ToList();
        }

        public FineTuningJob Job { get; }
        public IReadOnlyList<MetricRow> Metrics { get; }
        public IReadOnlyList<FineTuningCheckpoint> Checkpoints { get; }
        /// <summary>The job's events, oldest first.</summary>
        public IReadOnlyList<FineTuningEvent> Events { get; }
    }

    /// <summary>A dataset check (Test-FineTuningDataset's report) as a report shows it.</summary>
    public sealed class ReportDataset
    {
        public string Name { get; set; } = string.Empty;
        public string? Format { get; set; }
        public long Examples { get; set; }
        public long ValidExamples { get; set; }
        public long ErrorCount { get; set; }
        public long WarningCount { get; set; }
        public long TotalTokens { get; set; }
        public int MinTokens { get; set; }
        public double MeanTokens { get; set; }
        public int MedianTokens { get; set; }
        public int P90Tokens { get; set; }
        public int MaxTokens { get; set; }
        public int TokenLimit { get; set; }
        public int OverLimit { get; set; }
        public long BillableTokensPerEpoch { get; set; }
        public int Epochs { get; set; }
        public long EstimatedBilledTokens { get; set; }
        public decimal? EstimatedCost { get; set; }
        public List<(long Line, string Severity, string Code, string Message)> Findings { get; } = new List<(long, string, string, string)>();
    }

    /// <summary>
    /// Writes one self-contained HTML page about fine-tuning jobs: the loss and accuracy curves of every job on shared
    /// axes (training solid, validation dashed, one color per job, checkpoints marked), the comparison table, each job's
    /// settings, timeline and errors, and optionally dataset checks. Inline SVG and CSS only: no script, no font or
    /// image from the network, so it reads the same offline and attached to a ticket. Every text from a service or a
    /// file is HTML-encoded. The page is also well-formed XML (XHTML syntax), so tools can read it as data.
    /// </summary>
    public static class HtmlReport
    {
        /// <summary>Job colors, distinguishable from each other and on white; the sequence repeats after ten jobs.</summary>
        public static readonly IReadOnlyList<string> Palette = new[]
        {
            "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
        };

        /// <summary>The most points drawn per curve; longer series are thinned evenly (first and last point kept).</summary>
        public const int MaxPointsPerCurve = 1500;

        /// <summary>The most timeline entries and findings listed per job or dataset.</summary>
        public const int MaxListed = 200;

        private const int Width = 860, Height = 340, Left = 70, Right = 20, Top = 16, Bottom = 52;

        public static string Color(int index) => Palette[index % Palette.Count];

        public static string Build(IReadOnlyList<ReportJob> jobs, IReadOnlyList<ReportDataset>? datasets, DateTimeOffset generated, string title = "Fine-tuning report")
        {
            if (jobs is null) throw new ArgumentNullException(nameof(jobs));
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
              .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
              .Append("<title>").Append(E(title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
            sb.Append("<header><h1>").Append(E(title)).Append("</h1><p class=\"meta\">")
              .Append(jobs.Count).Append(jobs.Count == 1 ? " job" : " jobs").Append(", generated ")
              .Append(E(generated.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))).Append("</p></header>\n");

            sb.Append("<section id=\"curves\"><h2>Curves</h2>\n");
            Legend(sb, jobs);
            Chart(sb, "chart-loss", "Loss", jobs, r => r.TrainLoss, r => r.ValidLoss, c => c.Metrics?.TrainLoss);
            Chart(sb, "chart-accuracy", "Accuracy", jobs, r => r.TrainAccuracy, r => r.ValidMeanTokenAccuracy, c => c.Metrics?.TrainMeanTokenAccuracy);
            sb.Append("</section>\n");

            Comparison(sb, jobs);
            for (var i = 0; i < jobs.Count; i++) JobSection(sb, jobs[i], i);
            if (datasets != null && datasets.Count > 0)
            {
                sb.Append("<section id=\"datasets\"><h2>Datasets</h2>\n");
                foreach (var d in datasets) DatasetSection(sb, d);
                sb.Append("</section>\n");
            }
            sb.Append("</body>\n</html>\n");
            return sb.ToString();
        }

        private const string Css = @"
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; margin: 24px auto; max-width: 1100px; color: #1b1f24; padding: 0 16px; }
h1 { font-size: 1.6em; margin-bottom: 0; } h2 { font-size: 1.25em; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; } h3 { font-size: 1.05em; }
.meta { color: #57606a; margin-top: 4px; }
figure { margin: 16px 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { width: 100%; max-width: 860px; height: auto; background: #fff; border: 1px solid #d0d7de; }
.grid line { stroke: #eaeef2; } .axis line, .axis path { stroke: #57606a; } .tick { font-size: 11px; fill: #57606a; } .axis-label { font-size: 12px; fill: #1b1f24; }
.series { fill: none; stroke-width: 2; } .series.valid { stroke-dasharray: 6 4; } .checkpoint { fill: #fff; stroke-width: 2; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 20px; margin: 8px 0; } ul.legend li { display: flex; align-items: center; gap: 6px; font-size: 0.9em; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
table { border-collapse: collapse; font-size: 0.88em; margin: 8px 0; } th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } table.comparison td, table.comparison th { white-space: nowrap; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; } code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dl.settings dt { font-weight: 600; } dl.settings dd { margin: 0; word-break: break-all; }
ol.timeline { padding-left: 20px; } ol.timeline li { margin: 2px 0; } .level-error { color: #cf222e; } .level-warn, .level-warning { color: #9a6700; }
.errors li { color: #cf222e; } .empty { color: #57606a; font-style: italic; }
";

        private static string E(string? text) => WebUtility.HtmlEncode(TerminalText.Safe(text ?? string.Empty));

        private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        private static string Label(double value, double step)
        {
            var decimals = step >= 1 ? 0 : Math.Min(8, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
            return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        }

        private static string JobLabel(FineTuningJob job)
        {
            var suffix = job.UserProvidedSuffix;
            return string.IsNullOrEmpty(suffix) ? job.Id : $"{job.Id} ({suffix})";
        }

        private static void Legend(StringBuilder sb, IReadOnlyList<ReportJob> jobs)
        {
            sb.Append("<ul class=\"legend\">\n");
            for (var i = 0; i < jobs.Count; i++)
            {
                sb.Append("<li class=\"legend-job\" data-job=\"").Append(E(jobs[i].Job.Id)).Append("\"><span class=\"swatch\" style=\"background:")
                  .Append(Color(i)).Append("\"></span>").Append(E(JobLabel(jobs[i].Job))).Append("</li>\n");
            }
            sb.Append("<li class=\"legend-style\"><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#1b1f24\" stroke-width=\"2\" /></svg>training</li>\n")
              .Append("<li class=\"legend-style\"><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"#1b1f24\" stroke-width=\"2\" stroke-dasharray=\"6 4\" /></svg>validation</li>\n")
              .Append("<li class=\"legend-style\"><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><circle cx=\"6\" cy=\"6\" r=\"4\" fill=\"#fff\" stroke=\"#1b1f24\" stroke-width=\"2\" /></svg>checkpoint</li>\n")
              .Append("</ul>\n");
        }

        /// <summary>Round tick values covering [min, max]: about <paramref name="count"/> of them, at 1, 2 or 5 times a power of ten.</summary>
        public static (double Start, double Step, int Count) NiceTicks(double min, double max, int count = 6)
        {
            if (max < min) (min, max) = (max, min);
            if (max - min < 1e-12)
            {
                var pad = Math.Abs(min) > 1e-12 ? Math.Abs(min) * 0.1 : 1;
                min -= pad;
                max += pad;
            }
            var rough = (max - min) / Math.Max(1, count - 1);
            var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
            var fraction = rough / power;
            var step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
            var start = Math.Floor(min / step) * step;
            var end = Math.Ceiling(max / step) * step;
            return (start, step, (int)Math.Round((end - start) / step) + 1);
        }

        private static List<(long Step, double Value)> Points(IReadOnlyList<MetricRow> rows, Func<MetricRow, double?> value)
        {
            var points = rows.Select(r => (r.Step, V: value(r))).Where(p => p.V.HasValue && !double.IsNaN(p.V.Value) && !double.IsInfinity(p.V.Value))
                .Select(p => (p.Step, p.V!.Value)).ToList();
            if (points.Count <= MaxPointsPerCurve) return points;
            var thinned = new List<(long, double)>(MaxPointsPerCurve);
            for (var i = 0; i < MaxPointsPerCurve; i++) thinned.Add(points[(int)Math.Round(i * (points.Count - 1) / (double)(MaxPointsPerCurve - 1))]);
            return thinned;
        }

        private static void Chart(StringBuilder sb, string id, string title, IReadOnlyList<ReportJob> jobs,
            Func<MetricRow, double?> train, Func<MetricRow, double?> valid, Func<FineTuningCheckpoint, double?> checkpointValue)
        {
            var series = new List<(int Job, string Kind, List<(long Step, double Value)> Points)>();
            for (var i = 0; i < jobs.Count; i++)
            {
                var t = Points(jobs[i].Metrics, train);
                var v = Points(jobs[i].Metrics, valid);
                if (t.Count > 0) series.Add((i, "train", t));
                if (v.Count > 0) series.Add((i, "valid", v));
            }
            sb.Append("<figure id=\"").Append(id).Append("\"><figcaption>").Append(E(title)).Append("</figcaption>\n");
            if (series.Count == 0)
            {
                sb.Append("<p class=\"empty\">No job reported ").Append(E(title.ToLowerInvariant())).Append(" values.</p></figure>\n");
                return;
            }
            var all = series.SelectMany(s => s.Points).ToList();
            long firstStep = all.Min(p => p.Step), lastStep = all.Max(p => p.Step);
            var (xStart, xStep, xCount) = NiceTicks(firstStep, lastStep == firstStep ? firstStep + 1 : lastStep);
            xStep = Math.Max(1, xStep);
            xStart = Math.Max(0, xStart);
            var xEnd = xStart + xStep * (xCount - 1);
            if (xEnd < lastStep) xEnd = lastStep;
            var (yStart, yStep, yCount) = NiceTicks(all.Min(p => p.Value), all.Max(p => p.Value));
            var yEnd = yStart + yStep * (yCount - 1);
            double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
            double X(double step) => Left + (step - xStart) / (xEnd - xStart) * plotW;
            double Y(double value) => Top + (yEnd - value) / (yEnd - yStart) * plotH;

            sb.Append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
              .Append("\" role=\"img\" aria-label=\"").Append(E(title)).Append(" by step\">\n");
            sb.Append("<g class=\"grid\">");
            for (var k = 0; k < yCount; k++) sb.Append("<line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(N(Y(yStart + k * yStep))).Append("\" y2=\"").Append(N(Y(yStart + k * yStep))).Append("\" />");
            sb.Append("</g>\n<g class=\"axis y\"><line x1=\"").Append(Left).Append("\" x2=\"").Append(Left).Append("\" y1=\"").Append(Top).Append("\" y2=\"").Append(Height - Bottom).Append("\" />");
            for (var k = 0; k < yCount; k++)
            {
                var v = yStart + k * yStep;
                sb.Append("<text class=\"tick y\" x=\"").Append(Left - 6).Append("\" y=\"").Append(N(Y(v) + 4)).Append("\" text-anchor=\"end\">").Append(Label(v, yStep)).Append("</text>");
            }
            sb.Append("<text class=\"axis-label\" transform=\"translate(16 ").Append(N(Top + plotH / 2)).Append(") rotate(-90)\" text-anchor=\"middle\">").Append(E(title)).Append("</text></g>\n");
            sb.Append("<g class=\"axis x\"><line x1=\"").Append(Left).Append("\" x2=\"").Append(Width - Right).Append("\" y1=\"").Append(Height - Bottom).Append("\" y2=\"").Append(Height - Bottom).Append("\" />");
            for (var k = 0; k < xCount; k++)
            {
                var s = xStart + k * xStep;
                if (s > xEnd + 1e-9) break;
                sb.Append("<text class=\"tick x\" x=\"").Append(N(X(s))).Append("\" y=\"").Append(Height - Bottom + 18).Append("\" text-anchor=\"middle\">")
                  .Append(s.ToString("0", CultureInfo.InvariantCulture)).Append("</text>");
            }
            sb.Append("<text class=\"axis-label\" x=\"").Append(N(Left + plotW / 2)).Append("\" y=\"").Append(Height - 10).Append("\" text-anchor=\"middle\">step</text></g>\n");

            foreach (var (job, kind, points) in series)
            {
                var color = Color(job);
                var jobId = jobs[job].Job.Id;
                sb.Append("<path class=\"series ").Append(kind).Append("\" data-job=\"").Append(E(jobId)).Append("\" data-series=\"").Append(kind)
                  .Append("\" stroke=\"").Append(color).Append("\" d=\"");
                for (var k = 0; k < points.Count; k++)
                    sb.Append(k == 0 ? "M" : " L").Append(N(X(points[k].Step))).Append(' ').Append(N(Y(points[k].Value)));
                if (points.Count == 1) sb.Append(" l0.01 0");
                sb.Append("\"><title>").Append(E(jobId)).Append(kind == "train" ? " training " : " validation ").Append(E(title.ToLowerInvariant())).Append("</title></path>\n");
            }
            // Checkpoints on each job's training curve, at the checkpoint's step.
            for (var i = 0; i < jobs.Count; i++)
            {
                var trainPoints = series.FirstOrDefault(s => s.Job == i && s.Kind == "train").Points;
                if (trainPoints is null) continue;
                foreach (var c in jobs[i].Checkpoints.Where(c => c.StepNumber.HasValue).OrderBy(c => c.StepNumber))
                {
                    var step = c.StepNumber!.Value;
                    var value = checkpointValue(c) ?? jobs[i].Metrics.Where(r => r.Step == step).Select(train).FirstOrDefault(v => v.HasValue);
                    if (value is null || double.IsNaN(value.Value) || step < xStart || step > xEnd) continue;
                    sb.Append("<circle class=\"checkpoint\" data-job=\"").Append(E(jobs[i].Job.Id)).Append("\" data-step=\"").Append(step.ToString(CultureInfo.InvariantCulture))
                      .Append("\" cx=\"").Append(N(X(step))).Append("\" cy=\"").Append(N(Y(value.Value))).Append("\" r=\"4\" stroke=\"").Append(Color(i)).Append("\"><title>")
                      .Append(E(c.FineTunedModelCheckpoint ?? c.Id)).Append(", step ").Append(step.ToString(CultureInfo.InvariantCulture)).Append("</title></circle>\n");
                }
            }
            sb.Append("</svg></figure>\n");
        }

        private static string Num(double? value, string format = "0.####") => value.HasValue ? value.Value.ToString(format, CultureInfo.InvariantCulture) : string.Empty;

        private static string Duration(TimeSpan? d) => d is null ? string.Empty
            : d.Value.TotalDays >= 1 ? $"{Math.Floor(d.Value.TotalDays):0}d {d.Value.Hours:00}h {d.Value.Minutes:00}m" : d.Value.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

        private static void Comparison(StringBuilder sb, IReadOnlyList<ReportJob> jobs)
        {
            sb.Append("<section id=\"comparison\"><h2>Comparison</h2>\n<div class=\"scroll\"><table class=\"comparison\">\n<thead><tr>")
              .Append("<th>Job</th><th>Status</th><th>Model</th><th>Method</th><th>Epochs</th><th>Batch size</th><th>LR multiplier</th><th>Trained tokens</th>")
              .Append("<th>Duration</th><th>Final train loss</th><th>Best train loss</th><th>Final valid loss</th><th>Best valid loss</th><th>at step</th>")
              .Append("<th>Final train accuracy</th><th>Best valid accuracy</th><th>Fine-tuned model</th></tr></thead>\n<tbody>\n");
            for (var i = 0; i < jobs.Count; i++)
            {
                var r = JobComparisonRow.From(jobs[i].Job, jobs[i].Metrics);
                sb.Append("<tr data-job=\"").Append(E(r.JobId)).Append("\"><td><span class=\"swatch\" style=\"background:").Append(Color(i)).Append("\"></span> <a href=\"#job-").Append(i + 1).Append("\">")
                  .Append(E(r.JobId)).Append("</a></td><td>").Append(E(r.Status)).Append("</td><td>").Append(E(r.Model)).Append("</td><td>").Append(E(r.Method))
                  .Append("</td><td class=\"num\">").Append(Num(r.Epochs)).Append("</td><td class=\"num\">").Append(Num(r.BatchSize)).Append("</td><td class=\"num\">").Append(Num(r.LearningRateMultiplier))
                  .Append("</td><td class=\"num\">").Append(r.TrainedTokens?.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td class=\"num\">").Append(Duration(r.Duration))
                  .Append("</td><td class=\"num\">").Append(Num(r.FinalTrainLoss)).Append("</td><td class=\"num\">").Append(Num(r.BestTrainLoss))
                  .Append("</td><td class=\"num\">").Append(Num(r.FinalValidLoss)).Append("</td><td class=\"num\">").Append(Num(r.BestValidLoss))
                  .Append("</td><td class=\"num\">").Append(r.BestValidLossStep?.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"num\">").Append(Num(r.FinalTrainAccuracy))
                  .Append("</td><td class=\"num\">").Append(Num(r.BestValidAccuracy)).Append("</td><td><code>").Append(E(r.FineTunedModel)).Append("</code></td></tr>\n");
            }
            sb.Append("</tbody></table></div></section>\n");
        }

        private static void JobSection(StringBuilder sb, ReportJob item, int index)
        {
            var job = item.Job;
            sb.Append("<section class=\"job\" id=\"job-").Append(index + 1).Append("\" data-job=\"").Append(E(job.Id)).Append("\"><h2><span class=\"swatch\" style=\"background:")
              .Append(Color(index)).Append("\"></span> ").Append(E(JobLabel(job))).Append("</h2>\n<h3>Settings</h3>\n<dl class=\"settings\">");
            void Item(string name, string? value) { if (!string.IsNullOrEmpty(value)) sb.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>"); }
            Item("Status", job.Status);
            Item("Model", job.Model);
            Item("Method", job.MethodType);
            Item("Hyperparameters", (job.Method?.Settings?.Hyperparameters ?? job.Hyperparameters)?.ToString());
            Item("Training file", job.TrainingFile);
            Item("Validation file", job.ValidationFile);
            Item("Suffix", job.UserProvidedSuffix);
            Item("Seed", job.Seed?.ToString(CultureInfo.InvariantCulture));
            Item("Trained tokens", job.TrainedTokens?.ToString("N0", CultureInfo.InvariantCulture));
            if (job.Metadata != null && job.Metadata.Count > 0) Item("Metadata", string.Join(", ", job.Metadata.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Key + "=" + k.Value)));
            if (job.Integrations != null && job.Integrations.Count > 0) Item("Integrations", string.Join(", ", job.Integrations.Select(x => x.ToString())));
            Item("Fine-tuned model", job.FineTunedModel);
            if (job.ResultFiles != null && job.ResultFiles.Count > 0) Item("Result files", string.Join(", ", job.ResultFiles));
            Item("Checkpoints", item.Checkpoints.Count == 0 ? null : string.Join(", ", item.Checkpoints.Where(c => c.StepNumber.HasValue).OrderBy(c => c.StepNumber).Select(c => "step " + c.StepNumber!.Value.ToString(CultureInfo.InvariantCulture))));
            sb.Append("</dl>\n<h3>Timeline</h3>\n<ol class=\"timeline\">");
            void Entry(DateTimeOffset at, string level, string text) =>
                sb.Append("<li class=\"level-").Append(E(level)).Append("\"><time datetime=\"").Append(E(at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)))
                  .Append("\">").Append(E(at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append("</time> ").Append(E(text)).Append("</li>");
            Entry(job.CreatedAt, "info", "Created");
            var messages = item.Events.Where(e => e.Type != "metrics").ToList();
            foreach (var e in messages.Take(MaxListed)) Entry(e.CreatedAt, e.Level ?? "info", e.Message ?? string.Empty);
            if (messages.Count > MaxListed) sb.Append("<li class=\"empty\">").Append(messages.Count - MaxListed).Append(" more events</li>");
            if (job.FinishedAt.HasValue) Entry(job.FinishedAt.Value, "info", "Finished: " + job.Status);
            sb.Append("</ol>\n<h3>Errors</h3>\n");
            var errors = new List<string>();
            if (job.Error != null && !job.Error.IsEmpty) errors.Add(job.Error.ToString() + (job.Error.Param is null ? string.Empty : $" (parameter {job.Error.Param})"));
            errors.AddRange(item.Events.Where(e => e.Level == "error").Select(e => e.Message ?? string.Empty).Where(m => !errors.Any(x => x.Contains(m))));
            if (errors.Count == 0) sb.Append("<p class=\"empty\">No errors.</p>\n");
            else
            {
                sb.Append("<ul class=\"errors\">");
                foreach (var e in errors.Take(MaxListed)) sb.Append("<li>").Append(E(e)).Append("</li>");
                sb.Append("</ul>\n");
            }
            sb.Append("</section>\n");
        }

        private static void DatasetSection(StringBuilder sb, ReportDataset d)
        {
            sb.Append("<section class=\"dataset\"><h3>").Append(E(d.Name)).Append("</h3>\n<table class=\"tokens\"><tbody>");
            void Row(string name, string value) => sb.Append("<tr><th>").Append(E(name)).Append("</th><td class=\"num\">").Append(E(value)).Append("</td></tr>");
            string I(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
            Row("Format", d.Format ?? string.Empty);
            Row("Examples (valid)", $"{I(d.Examples)} ({I(d.ValidExamples)})");
            Row("Errors / warnings", $"{I(d.ErrorCount)} / {I(d.WarningCount)}");
            Row("Tokens", I(d.TotalTokens));
            Row("Tokens per example: min / mean / median / p90 / max", $"{d.MinTokens} / {d.MeanTokens.ToString("0.#", CultureInfo.InvariantCulture)} / {d.MedianTokens} / {d.P90Tokens} / {d.MaxTokens}");
            Row("Examples over the limit", $"{d.OverLimit} (limit {I(d.TokenLimit)})");
            Row("Billed tokens per epoch", I(d.BillableTokensPerEpoch));
            Row("Epochs / estimated billed tokens", $"{d.Epochs} / {I(d.EstimatedBilledTokens)}");
            if (d.EstimatedCost.HasValue) Row("Estimated cost", d.EstimatedCost.Value.ToString("0.00##", CultureInfo.InvariantCulture));
            sb.Append("</tbody></table>\n");
            if (d.Findings.Count == 0)
            {
                sb.Append("<p class=\"empty\">No findings.</p></section>\n");
                return;
            }
            sb.Append("<table class=\"findings\"><thead><tr><th>Line</th><th>Severity</th><th>Code</th><th>Message</th></tr></thead><tbody>");
            foreach (var f in d.Findings.Take(MaxListed))
            {
                sb.Append("<tr><td class=\"num\">").Append(f.Line == 0 ? "file" : f.Line.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(f.Severity))
                  .Append("</td><td><code>").Append(E(f.Code)).Append("</code></td><td>").Append(E(f.Message)).Append("</td></tr>");
            }
            sb.Append("</tbody></table>");
            if (d.Findings.Count > MaxListed) sb.Append("<p class=\"empty\">").Append(d.Findings.Count - MaxListed).Append(" more findings; Test-FineTuningDataset -Detailed lists them all.</p>");
            sb.Append("</section>\n");
        }
    }
}
