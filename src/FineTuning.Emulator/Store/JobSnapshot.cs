using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client.Json;

namespace FineTuning.Emulator
{
    /// <summary>A job record in the state snapshot: the job as the service shows it, its events, checkpoints and results, and what the lifecycle needs to go on.</summary>
    internal static class JobSnapshot
    {
        public static JsonObject Write(JobRecord r) => new JsonObject
        {
            ["sequence"] = r.Sequence,
            ["job"] = StateFolder.Node(r.Job, ClientJsonContext.Default.FineTuningJob),
            ["events"] = new JsonArray(r.Events.Select(e => (JsonNode)StateFolder.Node(e, ClientJsonContext.Default.FineTuningEvent)).ToArray()),
            ["checkpoints"] = new JsonArray(r.Checkpoints.Select(c => (JsonNode)StateFolder.Node(c, ClientJsonContext.Default.FineTuningCheckpoint)).ToArray()),
            ["results"] = r.Results.ToString(),
            ["next_at_ms"] = r.NextAt?.ToUnixTimeMilliseconds(),
            ["method"] = TrainingMethods.ToWire(r.Method),
            ["epochs"] = r.Epochs,
            ["batch_size"] = r.BatchSize,
            ["learning_rate"] = r.LearningRate,
            ["beta"] = r.Beta,
            ["reasoning_effort"] = r.ReasoningEffort,
            ["compute_multiplier"] = r.ComputeMultiplier,
            ["eval_interval"] = r.EvalInterval,
            ["eval_samples"] = r.EvalSamples,
            ["model_id8"] = r.ModelId8,
            ["azure"] = r.Azure,
            ["steps_done"] = r.Trainer?.StepsDone ?? 0,
            ["seconds_per_step"] = r.SecondsPerStepEstimate,
            ["pending_checkpoint_events"] = new JsonArray(r.PendingCheckpointEvents.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
            ["failure"] = r.FailurePlan is null ? null : new JsonObject
            {
                ["step"] = r.FailurePlan.Step, ["code"] = r.FailurePlan.Code, ["message"] = r.FailurePlan.Message,
            },
        };

        /// <summary>The record, and how many training steps it had run (its trainer is rebuilt by the lifecycle).</summary>
        public static (JobRecord, int) Read(JsonObject node)
        {
            var r = new JobRecord
            {
                Sequence = (long)node["sequence"]!,
                Job = JsonSerializer.Deserialize(node["job"]!.ToJsonString(), ClientJsonContext.Default.FineTuningJob)!,
                Method = TrainingMethods.FromWire((string?)node["method"]) ?? throw new System.IO.InvalidDataException($"The saved job has an unknown method '{(string?)node["method"]}'."),
                Epochs = (int?)node["epochs"],
                BatchSize = (int?)node["batch_size"],
                LearningRate = (double?)node["learning_rate"],
                Beta = (double?)node["beta"],
                ReasoningEffort = (string?)node["reasoning_effort"],
                ComputeMultiplier = (double?)node["compute_multiplier"],
                EvalInterval = (int?)node["eval_interval"],
                EvalSamples = (int?)node["eval_samples"],
                ModelId8 = (string)node["model_id8"]!,
                Azure = (bool?)node["azure"] ?? false,
                SecondsPerStepEstimate = (double)node["seconds_per_step"]!,
                NextAt = node["next_at_ms"] is JsonNode n ? DateTimeOffset.FromUnixTimeMilliseconds((long)n) : (DateTimeOffset?)null,
            };
            foreach (var e in node["events"]!.AsArray()) r.Events.Add(JsonSerializer.Deserialize(e!.ToJsonString(), ClientJsonContext.Default.FineTuningEvent)!);
            foreach (var c in node["checkpoints"]!.AsArray()) r.Checkpoints.Add(JsonSerializer.Deserialize(c!.ToJsonString(), ClientJsonContext.Default.FineTuningCheckpoint)!);
            r.Results.Clear().Append((string)node["results"]!);
            foreach (var p in node["pending_checkpoint_events"]!.AsArray()) r.PendingCheckpointEvents.Add((string)p!);
            if (node["failure"] is JsonObject failure)
                r.FailurePlan = new JobFailurePlan { JobId = r.Job.Id, Step = (int)failure["step"]!, Code = (string)failure["code"]!, Message = (string)failure["message"]! };
            return (r, (int)node["steps_done"]!);
        }
    }
}
