using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace FineTuning.Client
{
    /// <summary>One row of a job's training metrics: a step and what was measured at it.</summary>
    public sealed class MetricRow
    {
        public string? JobId { get; set; }
        public long Step { get; set; }
        public double? TrainLoss { get; set; }
        public double? TrainAccuracy { get; set; }
        public double? ValidLoss { get; set; }
        public double? ValidMeanTokenAccuracy { get; set; }
        public double? FullValidLoss { get; set; }
        public double? FullValidMeanTokenAccuracy { get; set; }

        public static MetricRow FromEvent(StepMetrics metrics, string? jobId) => new MetricRow
        {
            JobId = jobId,
            Step = metrics.Step ?? 0,
            TrainLoss = metrics.TrainLoss,
            TrainAccuracy = metrics.TrainMeanTokenAccuracy,
            ValidLoss = metrics.ValidLoss,
            ValidMeanTokenAccuracy = metrics.ValidMeanTokenAccuracy,
            FullValidLoss = metrics.FullValidLoss,
            FullValidMeanTokenAccuracy = metrics.FullValidMeanTokenAccuracy,
        };
    }

    /// <summary>Reads the result files of jobs: CSV of step metrics, often delivered base64-encoded.</summary>
    public static class ResultFile
    {
        /// <summary>
        /// True when the bytes look like base64 rather than the CSV itself: they do not start with the
        /// header and consist only of base64 characters (line breaks allowed).
        /// </summary>
        public static bool LooksBase64(byte[] content, int count)
        {
            if (count == 0) return false;
            var head = Encoding.ASCII.GetString(content, 0, Math.Min(count, 4));
            if (head.StartsWith("step", StringComparison.OrdinalIgnoreCase)) return false;
            var padding = 0;
            var significant = 0;
            for (var i = 0; i < count; i++)
            {
                var c = (char)content[i];
                if (c == '\r' || c == '\n') continue;
                if (c == '=') { padding++; significant++; continue; }
                if (padding > 0) return false;
                if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) return false;
                significant++;
            }
            return significant > 0 && padding <= 2;
        }

        /// <summary>The CSV text of a result file, decoding base64 when the content is encoded.</summary>
        public static string Decode(byte[] content)
        {
            if (LooksBase64(content, content.Length))
            {
                var text = Encoding.ASCII.GetString(content).Replace("\r", string.Empty).Replace("\n", string.Empty);
                if (text.Length % 4 == 0)
                {
                    try
                    {
                        return Encoding.UTF8.GetString(Convert.FromBase64String(text));
                    }
                    catch (FormatException)
                    {
                        // Not base64 after all: fall through to the raw text.
                    }
                }
            }
            return Encoding.UTF8.GetString(content);
        }

        /// <summary>Parses the metrics CSV by column name; unknown columns are ignored, empty cells are null.</summary>
        public static List<MetricRow> Parse(string csv, string? jobId = null)
        {
            var rows = new List<MetricRow>();
            using var reader = new StringReader(csv);
            var header = reader.ReadLine();
            if (header is null) return rows;
            var columns = header.Trim().Split(',').Select(c => c.Trim().ToLowerInvariant()).ToArray();
            int Index(params string[] names)
            {
                foreach (var n in names)
                {
                    var i = Array.IndexOf(columns, n);
                    if (i >= 0) return i;
                }
                return -1;
            }
            var step = Index("step");
            if (step < 0) throw new FormatException("The result file has no 'step' column; it is not a metrics file.");
            var trainLoss = Index("train_loss");
            var trainAccuracy = Index("train_accuracy", "train_mean_token_accuracy");
            var validLoss = Index("valid_loss", "validation_loss");
            var validAccuracy = Index("valid_mean_token_accuracy", "validation_mean_token_accuracy");
            var fullValidLoss = Index("full_valid_loss");
            var fullValidAccuracy = Index("full_valid_mean_token_accuracy");

            string? line;
            var lineNumber = 1;
            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (line.Trim().Length == 0) continue;
                var cells = line.Split(',');
                double? Cell(int i)
                {
                    if (i < 0 || i >= cells.Length) return null;
                    var text = cells[i].Trim();
                    if (text.Length == 0) return null;
                    if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
                    throw new FormatException($"Line {lineNumber} of the result file: '{text}' in column '{columns[i]}' is not a number.");
                }
                rows.Add(new MetricRow
                {
                    JobId = jobId,
                    Step = (long)(Cell(step) ?? throw new FormatException($"Line {lineNumber} of the result file has no step.")),
                    TrainLoss = Cell(trainLoss),
                    TrainAccuracy = Cell(trainAccuracy),
                    ValidLoss = Cell(validLoss),
                    ValidMeanTokenAccuracy = Cell(validAccuracy),
                    FullValidLoss = Cell(fullValidLoss),
                    FullValidMeanTokenAccuracy = Cell(fullValidAccuracy),
                });
            }
            return rows;
        }
    }

    /// <summary>Metric rows as CSV, in the columns of the service's result files (ResultFile.Parse reads it back).</summary>
    public static class MetricCsv
    {
        public const string Header = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy,full_valid_loss,full_valid_mean_token_accuracy";

        public static string Write(IEnumerable<MetricRow> rows)
        {
            var sb = new StringBuilder(Header).Append('\n');
            foreach (var r in rows)
            {
                sb.Append(r.Step.ToString(CultureInfo.InvariantCulture));
                foreach (var v in new[] { r.TrainLoss, r.TrainAccuracy, r.ValidLoss, r.ValidMeanTokenAccuracy, r.FullValidLoss, r.FullValidMeanTokenAccuracy })
                    sb.Append(',').Append(v.HasValue && !double.IsNaN(v.Value) ? v.Value.ToString("R", CultureInfo.InvariantCulture) : string.Empty);
                sb.Append('\n');
            }
            return sb.ToString();
        }
    }
}
