using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary>
    /// <c>/uploads</c>, the Uploads API: create an upload, add parts (kept on disk, in parallel), complete it into a file
    /// (parts joined in the given order, MD5 checked) or cancel it.
    /// </summary>
    internal sealed class UploadsHandler
    {
        private const long MaxUploadBytes = 8L * 1024 * 1024 * 1024;
        private const long MaxPartBytes = 64L * 1024 * 1024;
        private static readonly TimeSpan UploadLifetime = TimeSpan.FromHours(1);
        private static readonly TimeSpan AzureUploadLifetime = TimeSpan.FromHours(2);

        private readonly EmulatorStore _store;
        private readonly EmulatorClock _clock;

        public UploadsHandler(EmulatorStore store, EmulatorClock clock)
        {
            _store = store;
            _clock = clock;
        }

        public void Register(RouteTable routes)
        {
            routes.Api("POST", "uploads", (r, _) => CreateUpload(r))
                .Api("POST", "uploads/{id}/parts", (r, v) => AddPart(r, v["id"]))
                .Api("POST", "uploads/{id}/complete", (r, v) => CompleteUpload(r, v["id"]))
                .Api("POST", "uploads/{id}/cancel", (_, v) => Cancel(v["id"]));
        }

        private EmulatorResponse Cancel(string id)
        {
            lock (_store.Gate)
            {
                var upload = GetUpload(id);
                if (upload.Status != "pending") throw new ApiError(400, $"Upload {upload.Id} is {upload.Status}; only a pending upload can be cancelled.", null, null);
                upload.Status = "cancelled";
                _store.DropParts(upload);
                _store.MarkDirty();
                return Json(200, UploadNode(upload));
            }
        }

        private EmulatorResponse CreateUpload(EmulatorRequest request)
        {
            var root = ParseBody(request);
            var filename = OptionalString(root, "filename") ?? throw new ApiError(400, "Missing required parameter: 'filename'.", "filename", null);
            var purpose = OptionalString(root, "purpose") ?? throw new ApiError(400, "Missing required parameter: 'purpose'.", "purpose", null);
            var mime = OptionalString(root, "mime_type") ?? throw new ApiError(400, "Missing required parameter: 'mime_type'.", "mime_type", null);
            if (!root.TryGetProperty("bytes", out var b) || b.ValueKind != JsonValueKind.Number || !b.TryGetInt64(out var bytes))
                throw new ApiError(400, "Missing required parameter: 'bytes' (an integer).", "bytes", null);
            if (!FilesHandler.UploadPurposes.Contains(purpose)) throw new ApiError(400, $"Invalid 'purpose': '{purpose}'.", "purpose", null);
            if (bytes < 1 || bytes > MaxUploadBytes) throw new ApiError(400, $"Invalid 'bytes': {bytes}. An upload holds 1 byte to 8 GB.", "bytes", null);
            if (purpose == "fine-tune" && !filename.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                throw new ApiError(400, $"Invalid file format for Fine-Tuning API. Must be .jsonl (got '{filename}').", "filename", null);
            var lifetime = FilesHandler.FileExpiry(root, request.Dialect);
            lock (_store.Gate)
            {
                var now = _clock.Now;
                var upload = new UploadRecord
                {
                    Id = _store.Ids.NewId("upload_", 24, _store.Uploads.ContainsKey),
                    Filename = filename,
                    Purpose = purpose,
                    MimeType = mime,
                    Bytes = bytes,
                    CreatedAt = now,
                    ExpiresAt = now + (request.Dialect == Dialect.OpenAI ? UploadLifetime : AzureUploadLifetime),
                    FileLifetime = lifetime,
                };
                _store.Uploads[upload.Id] = upload;
                _store.MarkDirty();
                return Json(200, UploadNode(upload));
            }
        }

        private EmulatorResponse AddPart(EmulatorRequest request, string uploadId)
        {
            List<FormPart> parts;
            try
            {
                parts = request.ReadForm();
            }
            catch (FormatException e)
            {
                throw new ApiError(400, "Could not parse multipart form: " + e.Message, null, null);
            }
            var data = parts.FirstOrDefault(p => p.Name == "data") ?? throw new ApiError(400, "Missing required parameter: 'data'.", "data", null);
            if (data.Length > MaxPartBytes) throw new ApiError(400, $"A part holds at most 64 MB; this one has {data.Length:N0} bytes.", "data", null);
            UploadRecord upload;
            lock (_store.Gate)
            {
                upload = GetUpload(uploadId);
                RequirePending(upload);
            }
            // The bytes go to disk outside the lock (a rename when they already spilled to the scratch folder), so parts arrive in parallel.
            string partId;
            string path;
            lock (_store.Gate)
            {
                partId = _store.Ids.NewId("part_", 24, id => _store.Uploads.Values.Any(u => u.Parts.ContainsKey(id)));
                path = Path.Combine(_store.Scratch(), StateFolder.UniqueName(partId, ".part"));
            }
            data.Content.MoveTo(path);
            lock (_store.Gate)
            {
                if (upload.Status != "pending")
                {
                    File.Delete(path);
                    throw new ApiError(400, $"Upload {upload.Id} is {upload.Status}.", null, null);
                }
                upload.Parts[partId] = (path, data.Length);
                _store.MarkDirty();
                return Json(200, new JsonObject
                {
                    ["id"] = partId, ["object"] = "upload.part", ["created_at"] = _clock.Now.ToUnixTimeSeconds(), ["upload_id"] = upload.Id,
                });
            }
        }

        private EmulatorResponse CompleteUpload(EmulatorRequest request, string uploadId)
        {
            var root = ParseBody(request);
            if (!root.TryGetProperty("part_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
                throw new ApiError(400, "Missing required parameter: 'part_ids'.", "part_ids", null);
            var order = ids.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : throw new ApiError(400, "'part_ids' must hold strings.", "part_ids", null)).ToList();
            var md5 = OptionalString(root, "md5");
            UploadRecord upload;
            List<(string Path, long Length)> pieces;
            lock (_store.Gate)
            {
                upload = GetUpload(uploadId);
                RequirePending(upload);
                if (order.Count == 0) throw new ApiError(400, "'part_ids' is empty.", "part_ids", null);
                if (order.Distinct(StringComparer.Ordinal).Count() != order.Count) throw new ApiError(400, "'part_ids' lists a part twice.", "part_ids", null);
                pieces = new List<(string, long)>();
                foreach (var id in order)
                {
                    if (!upload.Parts.TryGetValue(id, out var piece)) throw new ApiError(400, $"Part {id} does not belong to upload {upload.Id}.", "part_ids", null);
                    pieces.Add(piece);
                }
                var total = pieces.Sum(p => p.Length);
                if (total != upload.Bytes)
                    throw new ApiError(400, $"The parts hold {total:N0} bytes but the upload was created for {upload.Bytes:N0}.", "part_ids", null);
                upload.Status = "completing";
            }

            // Join the parts in the given order, hashing as they go.
            var fileId = _store.NewFileId();
            var contentName = StateFolder.UniqueName(fileId, ".bin");
            var target = Path.Combine(_store.Folder != null ? _store.Folder.FilesDirectory : _store.Scratch(), contentName);
            string actual;
            try
            {
                using var hash = MD5.Create();
                using (var output = new FileStream(target + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                {
                    var buffer = new byte[1 << 20];
                    foreach (var piece in pieces)
                    {
                        using var input = File.OpenRead(piece.Path);
                        int read;
                        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            hash.TransformBlock(buffer, 0, read, null, 0);
                            output.Write(buffer, 0, read);
                        }
                    }
                    hash.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                    output.Flush(true);
                }
                actual = string.Concat(hash.Hash!.Select(x => x.ToString("x2")));
            }
            catch
            {
                lock (_store.Gate) upload.Status = "pending";
                if (File.Exists(target + ".tmp")) File.Delete(target + ".tmp");
                throw;
            }
            if (md5 != null && !string.Equals(md5, actual, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(target + ".tmp");
                lock (_store.Gate) upload.Status = "pending";
                throw new ApiError(400, $"The MD5 checksum does not match: the parts hash to {actual}, the request says {md5}.", "md5", null);
            }
            File.Move(target + ".tmp", target);

            lock (_store.Gate)
            {
                var stored = new StoredFile
                {
                    Info = new FineTuning.Client.FineTuningFile
                    {
                        Id = fileId, Object = "file", Bytes = upload.Bytes, CreatedAt = _clock.Now, ExpiresAt = _clock.Now + upload.FileLifetime,
                        Filename = upload.Filename, Purpose = upload.Purpose, Status = "processed",
                    },
                    DiskPath = target,
                    // In a state folder the joined parts already are the file's content, under a name of its own.
                    ContentName = _store.Folder != null ? contentName : null,
                    Sequence = _store.NextSequence(),
                };
                if (upload.Bytes <= EmulatorStore.LargeFileBytes)
                {
                    stored.Memory = File.ReadAllBytes(target);
                    stored.DiskPath = null;
                    if (_store.Folder is null) File.Delete(target);
                }
                _store.AddFile(stored);
                upload.File = stored;
                upload.Status = "completed";
                _store.DropParts(upload);
                _store.MarkDirty();
                return Json(200, UploadNode(upload));
            }
        }

        private UploadRecord GetUpload(string id)
        {
            if (_store.Uploads.TryGetValue(id, out var upload)) return upload;
            throw new ApiError(404, $"No such Upload object: {id}", "upload_id", null);
        }

        private void RequirePending(UploadRecord upload)
        {
            if (upload.Status == "pending" && _clock.Now > upload.ExpiresAt)
            {
                upload.Status = "expired";
                _store.DropParts(upload);
                _store.MarkDirty();
            }
            if (upload.Status != "pending")
                throw new ApiError(400, $"Upload {upload.Id} is {upload.Status}; parts can only be added to, and only a pending upload completed.", null, null);
        }

        private JsonObject UploadNode(UploadRecord upload)
        {
            var node = new JsonObject
            {
                ["id"] = upload.Id,
                ["object"] = "upload",
                ["bytes"] = upload.Bytes,
                ["created_at"] = upload.CreatedAt.ToUnixTimeSeconds(),
                ["expires_at"] = upload.ExpiresAt.ToUnixTimeSeconds(),
                ["filename"] = upload.Filename,
                ["purpose"] = upload.Purpose,
                ["status"] = upload.Status == "completing" ? "pending" : upload.Status,
                ["file"] = upload.File is null ? null : FileNode(upload.File),
            };
            return node;
        }
    }
}
