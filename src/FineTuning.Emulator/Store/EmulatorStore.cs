using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace FineTuning.Emulator
{
    /// <summary>
    /// Everything the emulator holds: files, jobs, uploads, checkpoint permissions, deleted models, the id sequence, and
    /// with a state folder (<see cref="StateFolder"/>) their copy on disk. One lock, <see cref="Gate"/>, guards it all;
    /// <see cref="Persist"/> writes what changed before a request is answered.
    /// </summary>
    internal sealed class EmulatorStore : IDisposable
    {
        public readonly object Gate = new object();
        public readonly Dictionary<string, StoredFile> Files = new Dictionary<string, StoredFile>(StringComparer.Ordinal);
        public readonly Dictionary<string, JobRecord> Jobs = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        public readonly Dictionary<string, UploadRecord> Uploads = new Dictionary<string, UploadRecord>(StringComparer.Ordinal);
        public readonly List<CheckpointPermission> Permissions = new List<CheckpointPermission>();
        public readonly HashSet<string> DeletedModels = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Files above this size are kept on disk rather than in memory.</summary>
        public const long LargeFileBytes = 64L * 1024 * 1024;

        private long _sequence;
        private bool _dirty;
        private string? _scratch;
        /// <summary>The earliest expires_at among the files (or later: a purge recomputes it); MaxValue when none expires.</summary>
        private DateTimeOffset _nextFileExpiry = DateTimeOffset.MaxValue;

        public EmulatorStore(int? seed)
        {
            Ids = new IdSource(seed);
        }

        /// <summary>Ids and the seeds of jobs created without one.</summary>
        public IdSource Ids { get; }

        /// <summary>The state folder, or null when the state lives in memory only.</summary>
        public StateFolder? Folder { get; private set; }

        /// <summary>The clock whose time a save records.</summary>
        public EmulatorClock? Clock { get; set; }

        /// <summary>Order of creation across files, jobs and permissions (lists sort by it).</summary>
        public long Sequence
        {
            get => _sequence;
            set => _sequence = value;
        }

        public long NextSequence() => ++_sequence;

        /// <summary>Takes a state folder and loads it into this (empty) store.</summary>
        public LoadedState Open(string path)
        {
            var folder = StateFolder.Open(path);
            try
            {
                var loaded = folder.Load(this);
                Folder = folder;
                return loaded;
            }
            catch
            {
                folder.Dispose();
                throw;
            }
        }

        public void MarkDirty() => _dirty = true;

        /// <summary>Writes any change before the request is answered, so that what is acknowledged is on disk.</summary>
        public void Persist()
        {
            if (Folder is null) return;
            lock (Gate)
            {
                if (!_dirty) return;
                try
                {
                    Folder.Save(this, Clock!.Now, Clock.Offset);
                    _dirty = false;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new PersistenceException($"The emulator could not save its state to '{Folder.Path}': {ex.Message}", ex);
                }
            }
        }

        /// <summary>Deletes a file the state no longer needs: now in memory, after the next save with a state folder.</summary>
        public void DeleteLater(string? path)
        {
            if (path is null) return;
            if (Folder != null)
            {
                Folder.DeleteAfterSave(path);
                return;
            }
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        /// <summary>A folder for upload parts and large files: inside the state folder, or a temporary one.</summary>
        public string Scratch()
        {
            if (_scratch != null) return _scratch;
            _scratch = Folder != null ? Folder.UploadsDirectory : Path.Combine(Path.GetTempPath(), "finetuning-emulator-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_scratch);
            return _scratch;
        }

        // ---------------------------------------------------------------- files

        public StoredFile GetFile(string id)
        {
            if (Files.TryGetValue(id, out var file)) return file;
            throw new ApiError(404, $"No such File object: {id}", "id", null);
        }

        /// <summary>A file id in use by no file, present or remembered by an upload.</summary>
        public string NewFileId() => Ids.NewId("file-", 22, id => Files.ContainsKey(id) || Uploads.Values.Any(u => u.File?.Info.Id == id));

        /// <summary>Keeps new bytes as a file.</summary>
        public StoredFile StoreFile(string filename, string purpose, byte[] content, DateTimeOffset now, TimeSpan? expiry = null)
        {
            var file = new StoredFile
            {
                Info = new FineTuning.Client.FineTuningFile
                {
                    Id = NewFileId(),
                    Object = "file",
                    Bytes = content.Length,
                    CreatedAt = now,
                    ExpiresAt = now + expiry,
                    Filename = filename,
                    Purpose = purpose,
                    Status = "processed",
                },
                Memory = content,
                Sequence = NextSequence(),
            };
            AddFile(file);
            return file;
        }

        /// <summary>Keeps a file and notes when it expires.</summary>
        public void AddFile(StoredFile file)
        {
            Files[file.Info.Id] = file;
            NoteExpiry(file);
            MarkDirty();
        }

        public void NoteExpiry(StoredFile file)
        {
            if (file.Info.ExpiresAt is DateTimeOffset at && at < _nextFileExpiry) _nextFileExpiry = at;
        }

        /// <summary>Forgets a file; its bytes go once no saved state names them.</summary>
        public void RemoveFile(StoredFile file)
        {
            Files.Remove(file.Info.Id);
            if (file.ContentName != null) DeleteLater(System.IO.Path.Combine(Folder!.FilesDirectory, file.ContentName));
            else DeleteLater(file.DiskPath);
            MarkDirty();
        }

        /// <summary>Deletes the files whose expires_at has passed, as the service does; nothing to scan until one is due.</summary>
        public void PurgeExpiredFiles(DateTimeOffset now)
        {
            if (now < _nextFileExpiry) return;
            var next = DateTimeOffset.MaxValue;
            foreach (var file in Files.Values.ToList())
            {
                if (!(file.Info.ExpiresAt is DateTimeOffset at)) continue;
                if (at <= now) RemoveFile(file);
                else if (at < next) next = at;
            }
            _nextFileExpiry = next;
        }

        // ---------------------------------------------------------------- uploads

        /// <summary>Forgets an upload's parts; their files go now, or with a state folder once a snapshot without them is saved.</summary>
        public void DropParts(UploadRecord upload)
        {
            foreach (var part in upload.Parts.Values) DeleteLater(part.Path);
            upload.Parts.Clear();
        }

        public void Dispose()
        {
            lock (Gate)
            {
                if (Folder is null)
                {
                    // In memory, nothing outlives the emulator; with a state folder, pending uploads wait for the next start.
                    foreach (var upload in Uploads.Values) DropParts(upload);
                    if (_scratch != null)
                    {
                        try { Directory.Delete(_scratch, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                    }
                }
                Folder?.Dispose();
            }
        }
    }

    /// <summary>Saving the state failed; the request is answered 500 and the change is not acknowledged.</summary>
    internal sealed class PersistenceException : IOException
    {
        public PersistenceException(string message, Exception inner) : base(message, inner) { }
    }
}
