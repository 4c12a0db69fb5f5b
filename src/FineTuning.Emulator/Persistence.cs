using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client;
using FineTuning.Client.Json;

namespace FineTuning.Emulator
{
    /// <summary>
    /// Keeps the emulator's state in a folder: file contents as one file each, everything else in one
    /// snapshot. Every change is written before the request that made it is answered, each file through a
    /// temporary file and an atomic rename, so a process killed at any moment leaves the last acknowledged
    /// state behind. A job's trained model is not stored: it is rebuilt on load by replaying the job's
    /// steps, which the job's seed makes exact.
    /// </summary>
    public sealed partial class FineTuningEmulator
    {
        private const int StateVersion = 1;
        private bool _dirty;
        private string? _stateDirectory;

        private string SnapshotPath => Path.Combine(_stateDirectory!, "state.json");
        private string ContentPath(string fileId) => Path.Combine(_stateDirectory!, "files", fileId + ".bin");

        private void MarkDirty() => _dirty = true;

        /// <summary>Writes the state if anything changed. Call under the state lock.</summary>
        private void SaveIfDirty()
        {
            if (!_dirty || _stateDirectory is null) return;
            var root = new JsonObject
            {
                ["version"] = StateVersion,
                ["now_ms"] = Clock.Now.ToUnixTimeMilliseconds(),
                ["sequence"] = _sequence,
                ["deleted_models"] = new JsonArray(_deletedModels.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            };
            var files = new JsonArray();
            foreach (var f in _files.Values.OrderBy(f => f.Sequence))
            {
                var content = ContentPath(f.Info.Id);
                if (!File.Exists(content))
                {
                    if (f.Memory != null) WriteAtomically(content, f.Memory);
                    else if (!string.Equals(Path.GetFullPath(f.DiskPath!), content, StringComparison.Ordinal))
                    {
                        File.Copy(f.DiskPath!, content + ".tmp", true);
                        File.Move(content + ".tmp", content);
                        f.DiskPath = content;
                    }
                }
                files.Add(new JsonObject { ["sequence"] = f.Sequence, ["info"] = ToNode(JsonSerializer.SerializeToUtf8Bytes(f.Info, ClientJsonContext.Default.FineTuningFile)) });
            }
            root["files"] = files;
            var jobs = new JsonArray();
            foreach (var r in _jobs.Values.OrderBy(j => j.Sequence)) jobs.Add(JobState(r));
            root["jobs"] = jobs;
            root["permissions"] = new JsonArray(_permissions.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Id, ["checkpoint"] = p.Checkpoint, ["project_id"] = p.ProjectId,
                ["created_at_ms"] = p.CreatedAt.ToUnixTimeMilliseconds(), ["sequence"] = p.Sequence,
            }).ToArray());
            WriteAtomically(SnapshotPath, Encoding.UTF8.GetBytes(root.ToJsonString()));
            // Contents of deleted files go once the snapshot no longer mentions them.
            foreach (var path in Directory.EnumerateFiles(Path.Combine(_stateDirectory!, "files"), "*.bin").ToList())
            {
                if (!_files.ContainsKey(Path.GetFileNameWithoutExtension(path))) File.Delete(path);
            }
            _dirty = false;
        }

        private static JsonObject JobState(JobRecord r)
        {
            var events = new JsonArray();
            foreach (var e in r.Events) events.Add(ToNode(JsonSerializer.SerializeToUtf8Bytes(e, ClientJsonContext.Default.FineTuningEvent)));
            var checkpoints = new JsonArray();
            foreach (var c in r.Checkpoints) checkpoints.Add(ToNode(JsonSerializer.SerializeToUtf8Bytes(c, ClientJsonContext.Default.FineTuningCheckpoint)));
            return new JsonObject
            {
                ["sequence"] = r.Sequence,
                ["job"] = ToNode(JsonSerializer.SerializeToUtf8Bytes(r.Job, ClientJsonContext.Default.FineTuningJob)),
                ["events"] = events,
                ["checkpoints"] = checkpoints,
                ["results"] = r.Results.ToString(),
                ["next_at_ms"] = r.NextAt?.ToUnixTimeMilliseconds(),
                ["method"] = r.MethodType,
                ["epochs"] = r.Epochs,
                ["batch_size"] = r.BatchSize,
                ["learning_rate"] = r.LearningRate,
                ["beta"] = r.Beta,
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
        }

        private static void WriteAtomically(string path, byte[] bytes)
        {
            var temp = path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(true);
            }
            if (File.Exists(path)) File.Replace(temp, path, null);
            else File.Move(temp, path);
        }

        /// <summary>Reads the state folder, or prepares an empty one. Returns the virtual time the state was saved at.</summary>
        private DateTimeOffset? LoadState(string directory)
        {
            _stateDirectory = Path.GetFullPath(directory);
            Directory.CreateDirectory(Path.Combine(_stateDirectory, "files"));
            if (!File.Exists(SnapshotPath)) return null;
            JsonObject root;
            try
            {
                root = (JsonObject)JsonNode.Parse(File.ReadAllBytes(SnapshotPath))!;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidCastException)
            {
                throw new InvalidDataException($"The emulator state in '{SnapshotPath}' is not readable: {ex.Message}", ex);
            }
            if ((int?)root["version"] != StateVersion)
                throw new InvalidDataException($"The emulator state in '{SnapshotPath}' has version {root["version"]}; this emulator reads version {StateVersion}.");
            _sequence = (long)root["sequence"]!;
            foreach (var m in root["deleted_models"]!.AsArray()) _deletedModels.Add((string)m!);
            foreach (var node in root["files"]!.AsArray())
            {
                var info = JsonSerializer.Deserialize(node!["info"]!.ToJsonString(), ClientJsonContext.Default.FineTuningFile)!;
                var path = ContentPath(info.Id);
                if (!File.Exists(path)) throw new InvalidDataException($"The emulator state lists file {info.Id} but its content '{path}' is missing.");
                var large = new FileInfo(path).Length > LargeFileBytes;
                _files[info.Id] = new StoredFile
                {
                    Info = info,
                    Memory = large ? null : File.ReadAllBytes(path),
                    DiskPath = large ? path : null,
                    Sequence = (long)node["sequence"]!,
                };
                if (info.ExpiresAt is DateTimeOffset at && at < _nextFileExpiry) _nextFileExpiry = at;
            }
            foreach (var node in root["jobs"]!.AsArray())
            {
                var r = new JobRecord
                {
                    Sequence = (long)node!["sequence"]!,
                    Job = JsonSerializer.Deserialize(node["job"]!.ToJsonString(), ClientJsonContext.Default.FineTuningJob)!,
                    MethodType = (string)node["method"]!,
                    Epochs = (int?)node["epochs"],
                    BatchSize = (int?)node["batch_size"],
                    LearningRate = (double?)node["learning_rate"],
                    Beta = (double?)node["beta"],
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

                var stepsDone = (int)node["steps_done"]!;
                var status = r.Job.Status;
                if (!JobStatus.IsFinal(status) && status != JobStatus.ValidatingFiles)
                {
                    // Rebuild the trained model exactly as it was, by replaying the steps already run.
                    if (BuildTrainer(r, out var problem))
                    {
                        for (var i = 0; i < stepsDone; i++) r.Trainer!.Step();
                    }
                    else
                    {
                        Fail(r, DateTimeOffset.FromUnixTimeMilliseconds((long)root["now_ms"]!), "invalid_training_file", problem!, "training_file");
                    }
                }
                _jobs[r.Job.Id] = r;
            }
            if (root["permissions"] is JsonArray permissions)
            {
                foreach (var p in permissions)
                {
                    _permissions.Add(new CheckpointPermission
                    {
                        Id = (string)p!["id"]!, Checkpoint = (string)p["checkpoint"]!, ProjectId = (string)p["project_id"]!,
                        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)p["created_at_ms"]!), Sequence = (long)p["sequence"]!,
                    });
                }
            }
            return DateTimeOffset.FromUnixTimeMilliseconds((long)root["now_ms"]!);
        }
    }
}
