using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary><c>/files</c>: upload (multipart), Azure's import from a URL, list, retrieve, delete, content; and file lifetimes.</summary>
    internal sealed class FilesHandler
    {
        private readonly EmulatorStore _store;
        private readonly EmulatorClock _clock;

        public FilesHandler(EmulatorStore store, EmulatorClock clock)
        {
            _store = store;
            _clock = clock;
        }

        public void Register(RouteTable routes)
        {
            routes.Api("POST", "files", (r, _) => Upload(r))
                .Api("POST", "files/import", (r, _) => Import(r), azureOnly: true)
                .Api("GET", "files", (r, _) => ListFiles(r))
                .Api("GET", "files/{id}", (_, v) => Json(200, FileNode(Get(v["id"]))))
                .Api("DELETE", "files/{id}", (_, v) => Delete(v["id"]))
                .Api("GET", "files/{id}/content", (_, v) => Content(v["id"]))
                .MethodNotAllowedUnder("files");
        }

        private StoredFile Get(string id)
        {
            lock (_store.Gate) return _store.GetFile(id);
        }

        private EmulatorResponse Delete(string id)
        {
            lock (_store.Gate) _store.RemoveFile(_store.GetFile(id));
            return Json(200, new JsonObject { ["id"] = id, ["object"] = "file", ["deleted"] = true });
        }

        private EmulatorResponse Content(string id)
        {
            var file = Get(id);
            if (file.Info.Purpose == "assistants")
                throw new ApiError(400, "Not allowed to download files of purpose: assistants", null, null);
            return new EmulatorResponse { Status = 200, BodyStream = file.OpenRead, ContentType = "application/octet-stream" };
        }

        /// <summary>
        /// Keeps received bytes as a file: small ones in memory, large ones (over <see cref="EmulatorStore.LargeFileBytes"/>) moved
        /// from their scratch file to the state folder (or the scratch folder without one) without passing through memory.
        /// </summary>
        private StoredFile Store(string filename, string purpose, SpooledContent content, TimeSpan? expiry)
        {
            if (content.Length <= EmulatorStore.LargeFileBytes)
            {
                var bytes = content.ToArray();
                lock (_store.Gate) return _store.StoreFile(filename, purpose, bytes, _clock.Now, expiry);
            }
            string id, contentName, target;
            lock (_store.Gate)
            {
                id = _store.NewFileId();
                contentName = StateFolder.UniqueName(id, ".bin");
                target = Path.Combine(_store.Folder != null ? _store.Folder.FilesDirectory : _store.Scratch(), contentName);
            }
            content.MoveTo(target);
            lock (_store.Gate)
            {
                var now = _clock.Now;
                var file = new StoredFile
                {
                    Info = new FineTuning.Client.FineTuningFile
                    {
                        Id = id, Object = "file", Bytes = content.Length, CreatedAt = now, ExpiresAt = now + expiry,
                        Filename = filename, Purpose = purpose, Status = "processed",
                    },
                    DiskPath = target,
                    // In a state folder the moved bytes already are the file's content, under a name of its own.
                    ContentName = _store.Folder != null ? contentName : null,
                    Sequence = _store.NextSequence(),
                };
                _store.AddFile(file);
                return file;
            }
        }

        internal static readonly HashSet<string> UploadPurposes = new HashSet<string>(StringComparer.Ordinal)
            { "fine-tune", "batch", "assistants", "vision", "user_data", "evals" };

        private EmulatorResponse Upload(EmulatorRequest request)
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
            var purposePart = parts.FirstOrDefault(p => p.Name == "purpose");
            var filePart = parts.FirstOrDefault(p => p.Name == "file");
            if (purposePart is null) throw new ApiError(400, "Missing required parameter: 'purpose'.", "purpose", null);
            if (filePart is null) throw new ApiError(400, "Missing required parameter: 'file'.", "file", null);
            var purpose = purposePart.Text().Trim();
            if (!UploadPurposes.Contains(purpose))
                throw new ApiError(400, $"'{purpose}' is not one of ['fine-tune', 'assistants', 'batch', 'user_data', 'vision', 'evals'] - 'purpose'", "purpose", null);
            var filename = string.IsNullOrEmpty(filePart.FileName) ? "upload" : filePart.FileName!;
            if (purpose == "fine-tune" && !filename.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                throw new ApiError(400, $"Invalid file format for Fine-Tuning API. Must be .jsonl (got '{filename}').", "file", null);
            if (filePart.Length > MaxFileBytes)
                throw new ApiError(400, "File is too large: the limit for the Files API is 512 MB; use the Uploads API.", "file", null);
            var anchorPart = parts.FirstOrDefault(p => p.Name == "expires_after[anchor]");
            var secondsPart = parts.FirstOrDefault(p => p.Name == "expires_after[seconds]");
            long? seconds = null;
            if (secondsPart != null)
            {
                var text = secondsPart.Text().Trim();
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                    throw new ApiError(400, $"Invalid 'expires_after[seconds]': '{text}' is not an integer.", "expires_after[seconds]", null);
                seconds = parsed;
            }
            var anchor = anchorPart?.Text().Trim();
            var expiry = FileExpiry(anchor, seconds, request.Dialect);
            var stored = Store(filename, purpose, filePart.Content, expiry);
            if (request.Dialect == Dialect.OpenAI) return Json(200, FileNode(stored));
            var created = Json(201, FileNode(stored));
            created.Headers["Location"] = (request.Dialect == Dialect.AzureV1 ? "/openai/v1/files/" : "/openai/files/") + stored.Info.Id;
            return created;
        }

        /// <summary>The largest file the Files API takes, whether uploaded or imported: 512 MB.</summary>
        internal const long MaxFileBytes = 512L * 1024 * 1024;

        /// <summary>
        /// Azure's <c>POST /files/import</c>: the service downloads the file from <c>content_url</c> (a blob SAS URL or any URL
        /// it can GET) instead of receiving it in the request. Messages name the URL without its query, which holds the SAS.
        /// </summary>
        private EmulatorResponse Import(EmulatorRequest request)
        {
            var root = ParseBody(request);
            var purpose = OptionalString(root, "purpose") ?? throw new ApiError(400, "Missing required parameter: 'purpose'.", "purpose", null);
            var filename = OptionalString(root, "filename") ?? throw new ApiError(400, "Missing required parameter: 'filename'.", "filename", null);
            var url = OptionalString(root, "content_url") ?? throw new ApiError(400, "Missing required parameter: 'content_url'.", "content_url", null);
            if (!UploadPurposes.Contains(purpose))
                throw new ApiError(400, $"'{purpose}' is not one of ['fine-tune', 'assistants', 'batch', 'user_data', 'vision', 'evals'] - 'purpose'", "purpose", null);
            if (purpose == "fine-tune" && !filename.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                throw new ApiError(400, $"Invalid file format for Fine-Tuning API. Must be .jsonl (got '{filename}').", "filename", null);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var source) || (source.Scheme != Uri.UriSchemeHttp && source.Scheme != Uri.UriSchemeHttps))
                throw new ApiError(400, "'content_url' must be an absolute http or https URL.", "content_url", null);
            var expiry = FileExpiry(root, request.Dialect);
            var shown = source.GetLeftPart(UriPartial.Path);
            SpooledContent content;
            try
            {
                content = ImportClient.DownloadAsync(source, shown, MaxFileBytes, () => { lock (_store.Gate) return _store.Scratch(); }).GetAwaiter().GetResult();
            }
            catch (ImportException e)
            {
                throw new ApiError(400, "The file could not be imported: " + e.Message, "content_url", "fileImportFailed");
            }
            StoredFile stored;
            using (content) stored = Store(filename, purpose, content, expiry);
            var created = Json(201, FileNode(stored));
            created.Headers["Location"] = (request.Dialect == Dialect.AzureV1 ? "/openai/v1/files/" : "/openai/files/") + stored.Info.Id;
            return created;
        }

        /// <summary>
        /// A file's lifetime from <c>expires_after</c> (anchor <c>created_at</c>; seconds from 1 hour, or 14 days on Azure, to
        /// 30 days), or null when none was asked for.
        /// </summary>
        internal static TimeSpan? FileExpiry(string? anchor, long? seconds, Dialect dialect)
        {
            if (anchor is null && seconds is null) return null;
            if (anchor != "created_at")
                throw new ApiError(400, $"Invalid 'expires_after[anchor]': '{anchor}'. The only anchor is 'created_at'.", "expires_after[anchor]", null);
            if (seconds is null)
                throw new ApiError(400, "Missing required parameter: 'expires_after[seconds]'.", "expires_after[seconds]", null);
            var min = dialect == Dialect.OpenAI ? MinFileLifetimeSeconds : AzureMinFileLifetimeSeconds;
            if (seconds < min || seconds > MaxFileLifetimeSeconds)
                throw new ApiError(400, $"Invalid 'expires_after[seconds]': {seconds}. It must be from {min} to {MaxFileLifetimeSeconds} seconds.", "expires_after[seconds]", null);
            return TimeSpan.FromSeconds(seconds.Value);
        }

        /// <summary>The JSON form, <c>"expires_after": {"anchor": "created_at", "seconds": N}</c>.</summary>
        internal static TimeSpan? FileExpiry(JsonElement root, Dialect dialect)
        {
            if (!root.TryGetProperty("expires_after", out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind != JsonValueKind.Object)
                throw new ApiError(400, $"Invalid type for 'expires_after': expected an object, but got {Kind(e)}.", "expires_after", "invalid_type");
            long? seconds = null;
            if (e.TryGetProperty("seconds", out var s) && s.ValueKind != JsonValueKind.Null)
            {
                if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var parsed))
                    throw new ApiError(400, $"Invalid type for 'expires_after.seconds': expected an integer, but got {Kind(s)}.", "expires_after", "invalid_type");
                seconds = parsed;
            }
            return FileExpiry(OptionalString(e, "anchor"), seconds, dialect);
        }

        private const long MinFileLifetimeSeconds = 3600;
        private const long AzureMinFileLifetimeSeconds = 1_209_600;
        private const long MaxFileLifetimeSeconds = 2_592_000;

        private EmulatorResponse ListFiles(EmulatorRequest request)
        {
            var limit = Limit(request, 10000, 10000);
            var order = request.QueryValue("order") ?? "desc";
            if (order != "asc" && order != "desc") throw new ApiError(400, $"Invalid 'order': '{order}'. Expected 'asc' or 'desc'.", "order", null);
            var purpose = request.QueryValue("purpose");
            List<StoredFile> all;
            lock (_store.Gate) all = _store.Files.Values.Where(f => purpose == null || f.Info.Purpose == purpose).ToList();
            all = order == "desc" ? all.OrderByDescending(f => f.Sequence).ToList() : all.OrderBy(f => f.Sequence).ToList();
            return Json(200, Page(all, f => f.Info.Id, f => FileNode(f), request.QueryValue("after"), limit, withIds: true));
        }
    }
}
