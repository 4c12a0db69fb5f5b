using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FineTuning.Client;

namespace FineTuning.Emulator
{
    /// <summary>A stored file: its metadata as the service shows it, and its bytes.</summary>
    internal sealed class StoredFile
    {
        public FineTuningFile Info = new FineTuningFile();
        /// <summary>The bytes, for files kept in memory.</summary>
        public byte[]? Memory;
        /// <summary>Where the bytes are, for files kept on disk (large uploads, state folders).</summary>
        public string? DiskPath;
        /// <summary>The name of the content's file in the state folder, once it is written there.</summary>
        public string? ContentName;
        public long Sequence;

        public long Length => Memory?.LongLength ?? new System.IO.FileInfo(DiskPath!).Length;

        public System.IO.Stream OpenRead() =>
            Memory != null ? new System.IO.MemoryStream(Memory, false) : (System.IO.Stream)System.IO.File.OpenRead(DiskPath!);

        /// <summary>All the bytes at once (the validator reads whole files); files over 1 GB are refused.</summary>
        public byte[] ReadAll()
        {
            if (Memory != null) return Memory;
            var length = Length;
            if (length > 1L << 30)
                throw new ApiError(400, $"File {Info.Id} is {length:N0} bytes; the emulator validates training files of up to 1 GB.", "training_file", "file_too_large");
            return System.IO.File.ReadAllBytes(DiskPath!);
        }
    }

    /// <summary>A job and everything it produces, advanced lazily along the virtual clock.</summary>
    internal sealed class JobRecord
    {
        public FineTuningJob Job = new FineTuningJob();
        public long Sequence;
        public readonly List<FineTuningEvent> Events = new List<FineTuningEvent>();
        public readonly List<FineTuningCheckpoint> Checkpoints = new List<FineTuningCheckpoint>();
        public readonly StringBuilder Results = new StringBuilder("step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n");

        /// <summary>When the next service-driven change happens; null while nothing is scheduled (paused, final).</summary>
        public DateTimeOffset? NextAt;
        public Trainer? Trainer;
        public TrainingData? TrainingData;
        public string MethodType = "supervised";
        public int? Epochs, BatchSize;
        public double? LearningRate, Beta;
        public JobFailurePlan? FailurePlan;
        public readonly List<string> PendingCheckpointEvents = new List<string>();
        public string ModelId8 = string.Empty;
        /// <summary>Created through an Azure path: Azure's ids and model names.</summary>
        public bool Azure;
        public double SecondsPerStepEstimate = 3;
    }

    /// <summary>Durations of the simulated service, in virtual seconds, computed from the data.</summary>
    internal static class Timing
    {
        public static TimeSpan Validation(long bytes) => TimeSpan.FromSeconds(8 + bytes / 50_000.0);
        public static TimeSpan Queue => TimeSpan.FromSeconds(20);
        public static TimeSpan Requeue => TimeSpan.FromSeconds(10);
        /// <summary>A step costs a fixed overhead plus its tokens at 2,000 tokens a second.</summary>
        public static TimeSpan Step(int batchTokens) => TimeSpan.FromSeconds(2 + batchTokens / 2000.0);
    }

    /// <summary>The service's rules for "auto" hyperparameters.</summary>
    internal static class AutoHyperparameters
    {
        public static int Epochs(int examples)
        {
            const int target = 3, minExamples = 100, maxExamples = 25000, minEpochs = 1, maxEpochs = 25;
            if ((long)examples * target < minExamples) return Math.Min(maxEpochs, minExamples / Math.Max(1, examples));
            if ((long)examples * target > maxExamples) return Math.Max(minEpochs, maxExamples / examples);
            return target;
        }

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

    internal static class Format
    {
        public static string Num(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
    }
}
