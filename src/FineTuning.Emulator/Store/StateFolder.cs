using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client;
using FineTuning.Client.Json;

namespace FineTuning.Emulator
{
    /// <summary>What a state folder held: the clock's saved position and the jobs to bring back to life.</summary>
    internal sealed class LoadedState
    {
        public DateTimeOffset? Now;
        public TimeSpan? ClockOffset;
        /// <summary>The loaded jobs (already in the store) and how many training steps each had run.</summary>
        public readonly List<(JobRecord Job, int StepsDone)> Jobs = new List<(JobRecord, int)>();
    }

    /// <summary>
    /// Keeps the emulator's state in a folder it owns (<see cref="StateFolderLock"/>): file contents and upload parts as one
    /// file each, everything else in one snapshot, <c>state.json</c>. Every change is written before the request that made
    /// it is answered, each file through a temporary file and an atomic rename, so a process killed at any moment leaves
    /// the last acknowledged state behind. A content file is written once, under a name no other write can use, and the
    /// snapshot names it; files no snapshot names (left by a write cut short) are collected on the next start, and the
    /// content of a deleted file goes only once a snapshot without it is on disk. A job's trained model is not stored:
    /// it is rebuilt on load by replaying the job's steps (<see cref="JobLifecycle.Restore"/>).
    /// </summary>
    internal sealed class StateFolder : IDisposable
    {
        private const int Version = 2;
        private readonly StateFolderLock _lock;
        private readonly List<string> _deleteAfterSave = new List<string>();

        private StateFolder(string path, StateFolderLock folderLock)
        {
            Path = path;
            _lock = folderLock;
        }

        public string Path { get; }
        public string FilesDirectory => System.IO.Path.Combine(Path, "files");
        public string UploadsDirectory => System.IO.Path.Combine(Path, "uploads");
        private string SnapshotPath => System.IO.Path.Combine(Path, "state.json");

        /// <summary>Creates the folder if needed and takes it; a folder another emulator owns is refused.</summary>
        public static StateFolder Open(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            Directory.CreateDirectory(full);
            return new StateFolder(full, StateFolderLock.Acquire(full));
        }

        /// <summary>A name for new content that no other write can pick, whatever ids a run hands out.</summary>
        public static string UniqueName(string id, string extension) => id + "-" + Guid.NewGuid().ToString("N") + extension;

        public void DeleteAfterSave(string path) => _deleteAfterSave.Add(path);

        // ---------------------------------------------------------------- save

        /// <summary>Writes the whole state (the caller holds the store's lock), then removes what it no longer names.</summary>
        public void Save(EmulatorStore store, DateTimeOffset now, TimeSpan clockOffset)
        {
            var root = new JsonObject
            {
                ["version"] = Version,
                ["now_ms"] = now.ToUnixTimeMilliseconds(),
                ["clock_offset_ms"] = (long)clockOffset.TotalMilliseconds,
                ["sequence"] = store.Sequence,
                ["ids"] = new JsonObject { ["seed"] = store.Ids.Seed, ["position"] = store.Ids.Position },
                ["deleted_models"] = new JsonArray(store.DeletedModels.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            };
            var files = new JsonArray();
            foreach (var f in store.Files.Values.OrderBy(f => f.Sequence))
            {
                StoreContent(f);
                files.Add(new JsonObject { ["sequence"] = f.Sequence, ["content"] = f.ContentName, ["info"] = Node(f.Info, ClientJsonContext.Default.FineTuningFile) });
            }
            root["files"] = files;
            root["jobs"] = new JsonArray(store.Jobs.Values.OrderBy(j => j.Sequence).Select(r => (JsonNode)JobSnapshot.Write(r)).ToArray());
            root["permissions"] = new JsonArray(store.Permissions.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Id, ["checkpoint"] = p.Checkpoint, ["project_id"] = p.ProjectId,
                ["created_at_ms"] = p.CreatedAt.ToUnixTimeMilliseconds(), ["sequence"] = p.Sequence,
            }).ToArray());
            root["uploads"] = new JsonArray(store.Uploads.Values.Select(u => (JsonNode)UploadNode(u)).ToArray());
            WriteAtomically(SnapshotPath, Encoding.UTF8.GetBytes(root.ToJsonString()));
            foreach (var path in _deleteAfterSave)
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            _deleteAfterSave.Clear();
        }

        /// <summary>Writes a file's content into the folder if it is not there yet, under a name of its own.</summary>
        private void StoreContent(StoredFile f)
        {
            if (f.ContentName != null) return;
            var name = UniqueName(f.Info.Id, ".bin");
            var path = System.IO.Path.Combine(FilesDirectory, name);
            if (f.Memory != null)
            {
                WriteAtomically(path, f.Memory);
            }
            else
            {
                File.Copy(f.DiskPath!, path + ".tmp", false);
                File.Move(path + ".tmp", path);
                DeleteAfterSave(f.DiskPath!);
                f.DiskPath = path;
            }
            f.ContentName = name;
        }

        private static JsonObject UploadNode(UploadRecord u) => new JsonObject
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
                ["id"] = p.Key, ["file"] = System.IO.Path.GetFileName(p.Value.Path), ["bytes"] = p.Value.Length,
            }).ToArray()),
            ["file"] = u.File is null ? null : Node(u.File.Info, ClientJsonContext.Default.FineTuningFile),
        };

        internal static JsonObject Node<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
            (JsonObject)JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(value, type))!;

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

        // ---------------------------------------------------------------- load

        /// <summary>Reads the folder into an empty store (or prepares an empty folder) and collects what no snapshot names.</summary>
        public LoadedState Load(EmulatorStore store)
        {
            Directory.CreateDirectory(FilesDirectory);
            Directory.CreateDirectory(UploadsDirectory);
            var keep = new HashSet<string>(StringComparer.Ordinal);
            var loaded = new LoadedState();
            if (File.Exists(SnapshotPath)) Read(store, keep, loaded);
            foreach (var folder in new[] { FilesDirectory, UploadsDirectory })
            {
                foreach (var path in Directory.EnumerateFiles(folder).ToList())
                {
                    if (keep.Contains(System.IO.Path.GetFullPath(path))) continue;
                    try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
            }
            try { File.Delete(SnapshotPath + ".tmp"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            return loaded;
        }

        private void Read(EmulatorStore store, HashSet<string> keep, LoadedState loaded)
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
            if (version != 1 && version != Version)
                throw new InvalidDataException($"The emulator state in '{SnapshotPath}' has version {root["version"]}; this emulator reads versions 1 and {Version}.");
            store.Sequence = (long)root["sequence"]!;
            // The same seed goes on from where the saved run stopped, so it never hands out an id it gave before.
            if (root["ids"] is JsonObject ids && (int?)ids["seed"] is int savedSeed && savedSeed == store.Ids.Seed)
                store.Ids.Resume((long)ids["position"]!);
            foreach (var m in root["deleted_models"]!.AsArray()) store.DeletedModels.Add((string)m!);
            foreach (var node in root["files"]!.AsArray()) ReadFile(store, (JsonObject)node!, keep);
            loaded.Now = DateTimeOffset.FromUnixTimeMilliseconds((long)root["now_ms"]!);
            loaded.ClockOffset = (long?)root["clock_offset_ms"] is long ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
            foreach (var node in root["jobs"]!.AsArray())
            {
                var (job, steps) = JobSnapshot.Read((JsonObject)node!);
                store.Jobs[job.Job.Id] = job;
                loaded.Jobs.Add((job, steps));
            }
            if (root["permissions"] is JsonArray permissions)
            {
                foreach (var p in permissions)
                {
                    store.Permissions.Add(new CheckpointPermission
                    {
                        Id = (string)p!["id"]!, Checkpoint = (string)p["checkpoint"]!, ProjectId = (string)p["project_id"]!,
                        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)p["created_at_ms"]!), Sequence = (long)p["sequence"]!,
                    });
                }
            }
            if (root["uploads"] is JsonArray uploads)
            {
                foreach (var u in uploads) ReadUpload(store, (JsonObject)u!, keep);
            }
        }

        private void ReadFile(EmulatorStore store, JsonObject node, HashSet<string> keep)
        {
            var info = JsonSerializer.Deserialize(node["info"]!.ToJsonString(), ClientJsonContext.Default.FineTuningFile)!;
            var name = (string?)node["content"] ?? info.Id + ".bin"; // version 1 named contents by id
            var path = System.IO.Path.Combine(FilesDirectory, name);
            if (!string.Equals(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)), System.IO.Path.GetFullPath(FilesDirectory), StringComparison.Ordinal))
                throw new InvalidDataException($"The emulator state in '{SnapshotPath}' names content '{name}' outside its files folder.");
            if (!File.Exists(path)) throw new InvalidDataException($"The emulator state lists file {info.Id} but its content '{path}' is missing.");
            var length = new FileInfo(path).Length;
            if (length != info.Bytes)
                throw new InvalidDataException($"The emulator state lists file {info.Id} with {info.Bytes:N0} bytes but its content '{path}' has {length:N0}.");
            var large = length > EmulatorStore.LargeFileBytes;
            keep.Add(System.IO.Path.GetFullPath(path));
            var file = new StoredFile
            {
                Info = info,
                Memory = large ? null : File.ReadAllBytes(path),
                DiskPath = large ? path : null,
                ContentName = name,
                Sequence = (long)node["sequence"]!,
            };
            store.Files[info.Id] = file;
            store.NoteExpiry(file);
        }

        private void ReadUpload(EmulatorStore store, JsonObject u, HashSet<string> keep)
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
                var path = System.IO.Path.Combine(UploadsDirectory, System.IO.Path.GetFileName((string)part!["file"]!));
                if (!File.Exists(path) || new FileInfo(path).Length != (long)part["bytes"]!)
                    throw new InvalidDataException($"The emulator state lists part {(string?)part["id"]} of upload {upload.Id} but its data '{path}' is missing or incomplete.");
                keep.Add(System.IO.Path.GetFullPath(path));
                upload.Parts[(string)part["id"]!] = (path, (long)part["bytes"]!);
            }
            if (u["file"] is JsonObject file)
            {
                var info = JsonSerializer.Deserialize(file.ToJsonString(), ClientJsonContext.Default.FineTuningFile)!;
                upload.File = store.Files.TryGetValue(info.Id, out var stored) ? stored : new StoredFile { Info = info };
            }
            store.Uploads[upload.Id] = upload;
        }

        public void Dispose() => _lock.Dispose();
    }
}
