using System.Collections.Generic;
using System.Text.Json;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Emulator
{
    /// <summary>A job as a create request asked for it, already checked field by field (see <see cref="JobRequestReader"/>).</summary>
    internal sealed class JobSpec
    {
        /// <summary>The base model's snapshot name, or a fine-tuned model to continue from.</summary>
        public string Model = string.Empty;
        public string TrainingFile = string.Empty;
        public string? ValidationFile;
        public string? Suffix;
        public long? Seed;
        public Dictionary<string, string>? Metadata;
        public List<JobIntegration>? Integrations;
        public TrainingMethod Method = TrainingMethod.Supervised;
        /// <summary>Hyperparameters given as numbers; null where the request left them on "auto".</summary>
        public int? Epochs, BatchSize;
        public double? LearningRate, Beta;
        /// <summary>Reinforcement only: null where the request left them on their default.</summary>
        public string? ReasoningEffort;
        public double? ComputeMultiplier;
        public int? EvalInterval, EvalSamples;
        public JsonElement? Grader;
        public JsonElement? ResponseFormat;
        /// <summary>Created through an Azure path: Azure's ids, status codes and model names.</summary>
        public bool Azure;
    }
}
