using System;
using System.Collections.Generic;
using System.Linq;

namespace FineTuning.Client
{
    /// <summary>
    /// One job, summarised for comparison with others: its settings (the hyperparameters it actually used), its size and
    /// time, and what its metrics reached. Losses and accuracies come from the job's metric rows: "final" is the last
    /// step's value, "best" the lowest loss or the highest accuracy over all steps.
    /// </summary>
    public sealed class JobComparisonRow
    {
        public string JobId { get; set; } = string.Empty;
        public string? Status { get; set; }
        public string? Model { get; set; }
        /// <summary>supervised, dpo or reinforcement.</summary>
        public string Method { get; set; } = "supervised";
        public double? Epochs { get; set; }
        public double? BatchSize { get; set; }
        public double? LearningRateMultiplier { get; set; }
        public double? Beta { get; set; }
        /// <summary>Every hyperparameter the job reports, as the service wrote it.</summary>
        public Hyperparameters? Hyperparameters { get; set; }
        public long? Seed { get; set; }
        public string? Suffix { get; set; }
        public string? TrainingFile { get; set; }
        public string? ValidationFile { get; set; }
        public long? TrainedTokens { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public TimeSpan? Duration { get; set; }
        /// <summary>Steps with metrics.</summary>
        public int Steps { get; set; }
        public double? FinalTrainLoss { get; set; }
        public double? BestTrainLoss { get; set; }
        public double? FinalValidLoss { get; set; }
        public double? BestValidLoss { get; set; }
        /// <summary>The step at which the validation loss was lowest.</summary>
        public long? BestValidLossStep { get; set; }
        /// <summary>The full validation loss (over the whole validation file) at the end, where the service reports it.</summary>
        public double? FullValidLoss { get; set; }
        public double? FinalTrainAccuracy { get; set; }
        public double? BestTrainAccuracy { get; set; }
        public double? FinalValidAccuracy { get; set; }
        public double? BestValidAccuracy { get; set; }
        public string? FineTunedModel { get; set; }
        /// <summary>The job's error, when it failed.</summary>
        public string? Error { get; set; }

        /// <summary>The method in three letters, as the table shows it: SFT, DPO or RFT.</summary>
        public string MethodCode => Method == "dpo" ? "DPO" : Method == "reinforcement" ? "RFT" : Method == "supervised" ? "SFT" : Method;

        public override string ToString() => JobId;

        /// <summary>Builds the row of <paramref name="job"/> from its metric rows (any order).</summary>
        public static JobComparisonRow From(FineTuningJob job, IEnumerable<MetricRow> metrics)
        {
            if (job is null) throw new ArgumentNullException(nameof(job));
            var rows = (metrics ?? Enumerable.Empty<MetricRow>()).OrderBy(r => r.Step).ToList();
            var h = job.Method?.Settings?.Hyperparameters ?? job.Hyperparameters;
            var suffix = job.UserProvidedSuffix;
            if (suffix is null && job.AdditionalProperties != null && job.AdditionalProperties.TryGetValue("suffix", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.String)
                suffix = s.GetString();
            var row = new JobComparisonRow
            {
                JobId = job.Id,
                Status = job.Status,
                Model = job.Model,
                Method = job.MethodType,
                Epochs = h?.NEpochs?.Number,
                BatchSize = h?.BatchSize?.Number,
                LearningRateMultiplier = h?.LearningRateMultiplier?.Number,
                Beta = h?.Beta?.Number,
                Hyperparameters = h,
                Seed = job.Seed,
                Suffix = suffix,
                TrainingFile = job.TrainingFile,
                ValidationFile = job.ValidationFile,
                TrainedTokens = job.TrainedTokens,
                CreatedAt = job.CreatedAt,
                FinishedAt = job.FinishedAt,
                Duration = job.Duration,
                Steps = rows.Count,
                FineTunedModel = job.FineTunedModel,
                Error = job.Error is null || job.Error.IsEmpty ? null : job.Error.ToString(),
            };
            (row.FinalTrainLoss, row.BestTrainLoss, _) = Summary(rows, r => r.TrainLoss, lowest: true);
            (row.FinalValidLoss, row.BestValidLoss, row.BestValidLossStep) = Summary(rows, r => r.ValidLoss, lowest: true);
            (row.FinalTrainAccuracy, row.BestTrainAccuracy, _) = Summary(rows, r => r.TrainAccuracy, lowest: false);
            (row.FinalValidAccuracy, row.BestValidAccuracy, _) = Summary(rows, r => r.ValidMeanTokenAccuracy, lowest: false);
            row.FullValidLoss = rows.Select(r => r.FullValidLoss).LastOrDefault(v => v.HasValue && !double.IsNaN(v.Value));
            return row;
        }

        private static (double? Final, double? Best, long? BestStep) Summary(List<MetricRow> rows, Func<MetricRow, double?> value, bool lowest)
        {
            double? final = null, best = null;
            long? bestStep = null;
            foreach (var r in rows)
            {
                var v = value(r);
                if (!v.HasValue || double.IsNaN(v.Value)) continue;
                final = v;
                if (best is null || (lowest ? v < best : v > best))
                {
                    best = v;
                    bestStep = r.Step;
                }
            }
            return (final, best, bestStep);
        }

        /// <summary>
        /// The settings two jobs differ in (model, method, hyperparameters, seed, suffix), by name; empty when a job was
        /// re-created faithfully. File ids are not settings: a job moved to another service has new ones.
        /// </summary>
        public static IReadOnlyList<string> SettingDifferences(JobComparisonRow a, JobComparisonRow b)
        {
            var differences = new List<string>();
            void Check(string name, object? x, object? y) { if (!Equals(x, y)) differences.Add(name); }
            Check(nameof(Model), a.Model, b.Model);
            Check(nameof(Method), a.Method, b.Method);
            Check(nameof(Epochs), a.Epochs, b.Epochs);
            Check(nameof(BatchSize), a.BatchSize, b.BatchSize);
            Check(nameof(LearningRateMultiplier), a.LearningRateMultiplier, b.LearningRateMultiplier);
            Check(nameof(Beta), a.Beta, b.Beta);
            Check(nameof(Seed), a.Seed, b.Seed);
            Check(nameof(Suffix), a.Suffix, b.Suffix);
            return differences;
        }
    }
}
