using System;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FineTuning.Client;

namespace FineTuning.Emulator
{
    /// <summary>What a training step leaves behind, in the service's words: its metrics event, its results row, checkpoint names.</summary>
    internal static class StepReport
    {
        public const string ResultsHeader = "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n";

        public static string Message(StepResult r, int totalSteps)
        {
            var message = new StringBuilder($"Step {r.Step}/{totalSteps}: training loss={r.TrainLoss.ToString("0.00", CultureInfo.InvariantCulture)}");
            if (r.ValidLoss is double vl) message.Append(", validation loss=").Append(vl.ToString("0.00", CultureInfo.InvariantCulture));
            if (r.FullValidLoss is double fl) message.Append(", full validation loss=").Append(fl.ToString("0.00", CultureInfo.InvariantCulture));
            return message.ToString();
        }

        public static JsonObject Data(StepResult r, int totalSteps)
        {
            var data = new JsonObject
            {
                ["step"] = r.Step,
                ["train_loss"] = Math.Round(r.TrainLoss, 6),
                ["total_steps"] = totalSteps,
                ["train_mean_token_accuracy"] = Math.Round(r.TrainAccuracy, 6),
            };
            if (r.ValidLoss.HasValue) data["valid_loss"] = Math.Round(r.ValidLoss.Value, 6);
            if (r.ValidAccuracy.HasValue) data["valid_mean_token_accuracy"] = Math.Round(r.ValidAccuracy.Value, 6);
            if (r.FullValidLoss.HasValue) data["full_valid_loss"] = Math.Round(r.FullValidLoss.Value, 6);
            if (r.FullValidAccuracy.HasValue) data["full_valid_mean_token_accuracy"] = Math.Round(r.FullValidAccuracy.Value, 6);
            return data;
        }

        public static void AppendRow(StringBuilder results, StepResult r) =>
            results.Append(r.Step.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Csv(r.TrainLoss)).Append(',').Append(Csv(r.TrainAccuracy)).Append(',')
                .Append(r.ValidLoss.HasValue ? Csv(r.ValidLoss.Value) : string.Empty).Append(',')
                .Append(r.ValidAccuracy.HasValue ? Csv(r.ValidAccuracy.Value) : string.Empty).Append('\n');

        public static StepMetrics Metrics(StepResult r) => new StepMetrics
        {
            Step = r.Step,
            TrainLoss = Math.Round(r.TrainLoss, 6),
            TrainMeanTokenAccuracy = Math.Round(r.TrainAccuracy, 6),
            ValidLoss = Round(r.ValidLoss),
            ValidMeanTokenAccuracy = Round(r.ValidAccuracy),
            FullValidLoss = Round(r.FullValidLoss),
            FullValidMeanTokenAccuracy = Round(r.FullValidAccuracy),
        };

        /// <summary>OpenAI's name of the fine-tuned model without its id: <c>ft:{base}:{org}:{suffix}</c>.</summary>
        public static string OpenAIBaseName(FineTuningJob job, string organizationId) =>
            $"ft:{job.Model}:{organizationId}:{job.UserProvidedSuffix ?? string.Empty}";

        /// <summary>Azure's name of a fine-tuned model: <c>{base}.ft-{32 hex}[-suffix]</c> (its checkpoints add <c>:ckpt-step-N</c>).</summary>
        public static string AzureName(FineTuningJob job) =>
            $"{job.Model}.ft-{job.Id.Substring(job.Id.Length - 32)}" + (job.UserProvidedSuffix is null ? string.Empty : "-" + job.UserProvidedSuffix);

        private static double? Round(double? value) => value.HasValue ? Math.Round(value.Value, 6) : (double?)null;

        private static string Csv(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
    }
}
