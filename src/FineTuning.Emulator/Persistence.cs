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
    /// Keeps the emulator's state in a folder: file contents and upload parts as one file each, everything else
    /// in one snapshot. Every change is written before the request that made it is answered, each file through a
    /// temporary file and an atomic rename, so a process killed at any moment leaves the last acknowledged state
    /// behind. A content file is written once, under a name no other write can use, and the snapshot names it;
    /// files no snapshot names (left by a write cut short) are collected on the next start, and the content of a
    /// deleted file goes only once a snapshot without it is on disk. A job's trained model is not stored: it is
    /// rebuilt on load by replaying the job's steps, which the job's seed makes exact.
    /// </summary>
    public sealed partial class FineTuningEmulator
    {
        private const int StateVersion = 2;
        private bool _dirty;
        private string? _stateDirectory;
        /// <summary>Content and part files to delete once the next snapshot (which no longer names them) is written.</summary>
        private readonly List<string> _deleteAfterSave = new List<string>();

        private string SnapshotPath => Path.Combine(_stateDirectory!, "state.json");
        private string FilesDirectory => Path.Combine(_stateDirectory!, "files");
        private string UploadsDirectory => Path.Combine(_stateDirectory!, "uploads");

        /// <summary>A name for new content that no other write can pick, whatever ids a run hands out.</summary>
        private static string UniqueName(string id, string extension) => id + "-" + Guid.NewGuid().ToString("N") + extension;

        private void MarkDirty() => _dirty = true;

        /// <summary>Deletes a file the state no longer needs: now without a state folder, after the next save with one.</summary>
        private void DeleteLater(string? path)
        {
            if (path is null) return;
            if (_stateDirectory is null)
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            else
            {
                _deleteAfterSave.Add(path);
            }
        }

        /// <summary>Writes a file's content into the state folder if it is not there yet. Call under the state lock.</summary>
        private void StoreContent(StoredFile f)
        {
            if (f.ContentName != null) return;
            var name = UniqueName(f.Info.Id, ".bin");
            var path = Path.Combine(FilesDirectory, name);
            if (f.Memory != null)
            {
                WriteAtomically(path, f.Memory);
            }
            else
            {
                File.Copy(f.DiskPath!, path + ".tmp", false);
                File.Move(path + ".tmp", path);
                DeleteLater(f.DiskPath);
                f.DiskPath = path;
            }
            f.ContentName = name;
        }

        /// <summary>Writes the state if anything changed. Call under the state lock.</summary>
        private void SaveIfDirty()
        {
            if (!_dirty || _stateDirectory is null) return;
            var root = new JsonObject
            {
                ["version"] = StateVersion,
                ["now_ms"] = Clock.Now.ToUnixTimeMilliseconds(),
                ["clock_offset_ms"] = (long)Clock.Offset.TotalMilliseconds,
                ["sequence"] = _sequence,
                ["ids"] = new JsonObject { ["seed"] = _ids.Seed, ["position"] = _ids.Position },
                ["deleted_models"] = new JsonArray(_deletedModels.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            };
            var files = new JsonArray();
            foreach (var f in _files.Values.OrderBy(f => f.Sequence))
            {
                StoreContent(f);
                files.Add(new JsonObject
                {
                    ["sequence"] = f.Sequence,
                    ["content"] = f.ContentName,
                    ["info"] = ToNode(JsonSerializer.SerializeToUtf8Bytes(f.Info, ClientJsonContext.Default.FineTuningFile)),
                });
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
            root["uploads"] = new JsonArray(_uploads.Values.Select(u => (JsonNode)UploadState(u)).ToArray());
            WriteAtomically(SnapshotPath, Encoding.UTF8.GetBytes(root.ToJsonString()));
            // What the snapshot no longer names can go now.
            foreach (var path in _deleteAfterSave)
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            _deleteAfterSave.Clear();
            _dirty = false;
        }

        private static JsonObject UploadState(UploadRecord u) => new JsonObject
        {
            ["id"] = u.Id,
            ["filename"] = u.Filename,
            ["purpose"] = u.Purpose,
            ["mime_type"] = u.MimeType,
            ["bytes"] = u.Bytes,
            ["created_at_ms"] = u.CreatedAt.ToUnixTimeMilliseconds(),
            ["expires_at_ms"] = u.ExpiresAt.ToUnixTimeMilliseconds(),
            ["file_lifetime_s"] = u.FileLifetime?.TotalSeconds,
            // A completion in progress is not acknowledged: after a restart the upload is pending again.
            ["status"] = u.Status == "completing" ? "pending" : u.Status,
            ["parts"] = new JsonArray(u.Parts.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Key, ["file"] = Path.GetFileName(p.Value.Path), ["bytes"] = p.Value.Length,
            }).ToArray()),
            ["file"] = u.File is null ? null : ToNode(JsonSerializer.SerializeToUtf8Bytes(u.File.Info, ClientJsonContext.Default.FineTuningFile)),
        };

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

        /// <summary>
        /// Reads the state folder (the caller owns it), or prepares an empty one, and collects what no snapshot names.
        /// Returns the time the state was saved at and how far the clock had been advanced.
        /// </summary>
        private (DateTimeOffset? Now, TimeSpan? ClockOffset) LoadState()
        {
            Directory.CreateDirectory(FilesDirectory);
            Directory.CreateDirectory(UploadsDirectory);
            var keep = new HashSet<string>(StringComparer.Ordinal);
            (DateTimeOffset? Now, TimeSpan? ClockOffset) saved = (null, null);
            if (File.Exists(SnapshotPath))
            {
                saved = ReadSnapshot(keep);
            }
            CollectOrphans(keep);
            return saved;
        }

        /// <summary>Deletes content and part files that no snapshot names: writes a stop cut short.</summary>
        private void CollectOrphans(HashSet<string> keep)
        {
            foreach (var folder in new[] { FilesDirectory, UploadsDirectory })
            {
                foreach (var path in Directory.EnumerateFiles(folder).ToList())
                {
                    if (keep.Contains(Path.GetFullPath(path))) continue;
                    try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
            }
            try { File.Delete(SnapshotPath + ".tmp"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private (DateTimeOffset, TimeSpan?) ReadSnapshot(HashSet<string> keep)
        {
            JsonObject root;
            try
            {
                root = (JsonObject)JsonNode.Parse(File.ReadAllBytes(SnapshotPath))!;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidCastException)
            {
                throw new InvalidDataException($"The emulator state in '{SnapshotPath}' is not readable: {ex.Message}", ex);
            }
            var version = (int?)root["version"];
            if (version != 1 && version != StateVersion)
                throw new InvalidDataException($"The emulator state in '{SnapshotPath}' has version {root["version"]}; this emulator reads versions 1 and {StateVersion}.");
            _sequence = (long)root["sequence"]!;
            // The same seed goes on from where the saved run stopped, so it never hands out an id it gave before.
            if (root["ids"] is JsonObject ids && (int?)ids["seed"] is int savedSeed && savedSeed == _ids.Seed)
                _ids.Resume((long)ids["position"]!);
            foreach (var m in root["deleted_models"]!.AsArray()) _deletedModels.Add((string)m!);
            foreach (var node in root["files"]!.AsArray())
            {
                var info = JsonSerializer.Deserialize(node!["info"]!.ToJsonString(), ClientJsonContext.Default.FineTuningFile)!;
                var name = (string?)node["content"] ?? info.Id + ".bin"; // version 1 named contents by id
                var path = Path.Combine(FilesDirectory, name);
                if (!string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), Path.GetFullPath(FilesDirectory), StringComparison.Ordinal))
                    throw new InvalidDataException($"The emulator state in '{SnapshotPath}' names content '{name}' outside its files folder.");
                if (!File.Exists(path)) throw new InvalidDataException($"The emulator state lists file {info.Id} but its content '{path}' is missing.");
                var length = new FileInfo(path).Length;
                if (length != info.Bytes)
                    throw new InvalidDataException($"The emulator state lists file {info.Id} with {info.Bytes:N0} bytes but its content '{path}' has {length:N0}.");
                var large = length > LargeFileBytes;
                keep.Add(Path.GetFullPath(path));
                _files[info.Id] = new StoredFile
                {
                    Info = info,
                    Memory = large ? null : File.ReadAllBytes(path),
                    DiskPath = large ? path : null,
                    ContentName = name,
                    Sequence = (long)node["sequence"]!,
                };
                if (info.ExpiresAt is DateTimeOffset at && at < _nextFileExpiry) _nextFileExpiry = at;
            }
            var savedNow = DateTimeOffset.FromUnixTimeMilliseconds((long)root["now_ms"]!);
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
                        Fail(r, savedNow, "invalid_training_file", problem!, "training_file");
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
            if (root["uploads"] is JsonArray uploads)
            {
                foreach (var u in uploads) ReadUpload((JsonObject)u!, keep);
            }
            var offset = (long?)root["clock_offset_ms"] is long ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
            return (savedNow, offset);
        }

        private void ReadUpload(JsonObject u, HashSet<string> keep)
        {
            var upload = new UploadRecord
            {
                Id = (string)u["id"]!,
                Filename = (string)u["filename"]!,
                Purpose = (string)u["purpose"]!,
                MimeType = (string)u["mime_type"]!,
                Bytes = (long)u["bytes"]!,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)u["created_at_ms"]!),
                ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)u["expires_at_ms"]!),
                FileLifetime = (double?)u["file_lifetime_s"] is double seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null,
                Status = (string)u["status"]!,
            };
            foreach (var part in u["parts"]!.AsArray())
            {
                var path = Path.Combine(UploadsDirectory, Path.GetFileName((string)part!["file"]!));
                if (!File.Exists(path) || new FileInfo(path).Length != (long)part["bytes"]!)
                    throw new InvalidDataException($"The emulator state lists part {(string?)part["id"]} of upload {upload.Id} but its data '{path}' is missing or incomplete.");
                keep.Add(Path.GetFullPath(path));
                upload.Parts[(string)part["id"]!] = (path, (long)part["bytes"]!);
            }
            if (u["file"] is JsonObject file)
            {
                var info = JsonSerializer.Deserialize(file.ToJsonString(), ClientJsonContext.Default.FineTuningFile)!;
                upload.File = _files.TryGetValue(info.Id, out var stored) ? stored : new StoredFile { Info = info };
            }
            _uploads[upload.Id] = upload;
        }
    }
}
