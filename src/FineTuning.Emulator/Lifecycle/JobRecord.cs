using System;
using System.Collections.Generic;
using System.Text;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Emulator
{
    /// <summary>A job and everything it produces, advanced lazily along the emulator's clock by <see cref="JobLifecycle"/>.</summary>
    internal sealed class JobRecord
    {
        public FineTuningJob Job = new FineTuningJob();
        public long Sequence;
        public readonly List<FineTuningEvent> Events = new List<FineTuningEvent>();
        public readonly List<FineTuningCheckpoint> Checkpoints = new List<FineTuningCheckpoint>();
        public readonly StringBuilder Results = new StringBuilder(StepReport.ResultsHeader);

        /// <summary>When the next service-driven change happens; null while nothing is scheduled (paused, final).</summary>
        public DateTimeOffset? NextAt;
        public Trainer? Trainer;
        /// <summary>Tokens the service bills for one pass over the training file (from the dataset validator).</summary>
        public long BilledTokensPerEpoch;
        public TrainingMethod Method = TrainingMethod.Supervised;
        public int? Epochs, BatchSize;
        public double? LearningRate, Beta;
        /// <summary>Reinforcement only, as the request gave them (null: the default).</summary>
        public string? ReasoningEffort;
        public double? ComputeMultiplier;
        public int? EvalInterval, EvalSamples;
        public JobFailurePlan? FailurePlan;
        public readonly List<string> PendingCheckpointEvents = new List<string>();
        public string ModelId8 = string.Empty;
        /// <summary>Created through an Azure path: Azure's ids and model names.</summary>
        public bool Azure;
        public double SecondsPerStepEstimate = 3;
    }

    /// <summary>The wire names of the training methods (<c>method.type</c>), for the one method type all projects share.</summary>
    internal static class TrainingMethods
    {
        public static string ToWire(TrainingMethod method) => method switch
        {
            TrainingMethod.Dpo => "dpo",
            TrainingMethod.Reinforcement => "reinforcement",
            _ => "supervised",
        };

        public static TrainingMethod? FromWire(string? name) => name switch
        {
            "supervised" => TrainingMethod.Supervised,
            "dpo" => TrainingMethod.Dpo,
            "reinforcement" => TrainingMethod.Reinforcement,
            _ => (TrainingMethod?)null,
        };
    }

    /// <summary>Durations of the simulated service (the service's own; the clock divides them by the time scale).</summary>
    internal static class Timing
    {
        public static TimeSpan Validation(long bytes) => TimeSpan.FromSeconds(8 + bytes / 50_000.0);
        public static TimeSpan Queue => TimeSpan.FromSeconds(20);
        public static TimeSpan Requeue => TimeSpan.FromSeconds(10);
        /// <summary>A step costs a fixed overhead plus its tokens at 2,000 tokens a second.</summary>
        public static TimeSpan Step(int batchTokens) => TimeSpan.FromSeconds(2 + batchTokens / 2000.0);
    }

    /// <summary>The service's rules for "auto" hyperparameters (epochs: the dataset library's <see cref="EpochHeuristic"/>).</summary>
    internal static class AutoHyperparameters
    {
        public static int Epochs(int examples) => EpochHeuristic.AutoEpochs(examples);

        /// <summary>About 0.2% of the examples, at least 1 and at most 256.</summary>
        public static int BatchSize(int examples) => Math.Max(1, Math.Min(256, (int)Math.Round(examples * 0.002)));

        public static double LearningRate(string model)
        {
            var m = model.ToLowerInvariant();
            if (m.Contains("nano")) return 1.0;
            if (m.StartsWith("gpt-3.5", StringComparison.Ordinal)) return 2.0;
            if (m.Contains("mini")) return 1.8;
            return 2.0;
        }

        public const double Beta = 0.1;
    }
}
