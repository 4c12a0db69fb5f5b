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
using FineTuning.Client;
using FineTuning.Client.Json;

namespace FineTuning.Emulator
{
    public sealed partial class FineTuningEmulator
    {
        private readonly object _state = new object();
        private readonly IdSource _ids;
        private readonly Dictionary<string, StoredFile> _files = new Dictionary<string, StoredFile>(StringComparer.Ordinal);
        private readonly Dictionary<string, JobRecord> _jobs = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        private readonly HashSet<string> _deletedModels = new HashSet<string>(StringComparer.Ordinal);
        private long _sequence;
        /// <summary>The earliest expires_at among the files (or later: a purge recomputes it); MaxValue when none expires.</summary>
        private DateTimeOffset _nextFileExpiry = DateTimeOffset.MaxValue;

        // ---------------------------------------------------------------- request entry

        /// <summary>
        /// The door, on the request's line and headers alone (the HTTP edge calls it before it reads any body):
        /// the 401 when the key is missing or wrong, else null. Nothing else runs for a request it refuses.
        /// </summary>
        internal EmulatorResponse? Admit(EmulatorRequest request)
        {
            request.Dialect = DialectOf(request.Path);
            try
            {
                Authenticate(request);
                return null;
            }
            catch (ApiError e)
            {
                return ErrorFor(request, e);
            }
        }

        /// <summary>A whole request, in this order: authentication, then injected faults, then the route table.</summary>
        internal EmulatorResponse Handle(EmulatorRequest request)
        {
            var denied = Admit(request);
            if (denied != null) return denied;
            try
            {
                var fault = Faults.Take(request.Method, request.Path);
                if (fault != null)
                {
                    var injected = Inject(fault);
                    if (injected != null) return injected;
                }
                var response = Route(request);
                if (fault?.Latency is TimeSpan latency) response.Latency = latency;
                Persist();
                return response;
            }
            catch (ApiError e)
            {
                Persist();
                return ErrorFor(request, e);
            }
            catch (PersistenceException e)
            {
                return Error(500, e.Message, null, null, "server_error");
            }
            catch (Exception e)
            {
                return Error(500, "The emulator failed: " + e.Message, null, null, "server_error");
            }
        }

        private static EmulatorResponse ErrorFor(EmulatorRequest request, ApiError e) =>
            request.Dialect == Dialect.AzureDated
                ? AzureError(e.Status, e.Message, e.Param, e.Code)
                : Error(e.Status, e.Message, e.Param, e.Code == "transition" ? null : e.Code, e.Type);

        /// <summary>Which API a path speaks, from its prefix alone: Azure's v1 API, Azure's dated API, or OpenAI's.</summary>
        private static Dialect DialectOf(string path)
        {
            if (path == "/openai/v1" || path.StartsWith("/openai/v1/", StringComparison.Ordinal)) return Dialect.AzureV1;
            if (path.StartsWith("/openai/", StringComparison.Ordinal)) return Dialect.AzureDated;
            return Dialect.OpenAI;
        }

        private EmulatorResponse? Inject(FaultRule fault)
        {
            if (fault.DropConnection) return new EmulatorResponse { DropConnection = true, Latency = fault.Latency ?? TimeSpan.Zero };
            if (fault.StatusCode == 0) return null; // latency only
            EmulatorResponse response;
            if (fault.Body != null)
            {
                response = new EmulatorResponse { Status = fault.StatusCode, Body = Encoding.UTF8.GetBytes(fault.Body) };
                var trimmed = fault.Body.TrimStart();
                response.ContentType = trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal)
                    ? "application/json" : "text/html";
            }
            else
            {
                var (message, type, code) = DefaultFault(fault.StatusCode);
                response = Error(fault.StatusCode, message, null, code, type);
            }
            if (fault.RetryAfter is TimeSpan retry)
            {
                response.Headers["retry-after"] = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                response.Headers["retry-after-ms"] = ((long)retry.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            }
            if (fault.Latency is TimeSpan latency) response.Latency = latency;
            return response;
        }

        private static (string, string, string?) DefaultFault(int status)
        {
            switch (status)
            {
                case 429: return ("Rate limit reached for requests (injected by the emulator).", "requests", "rate_limit_exceeded");
                case 401: return ("Incorrect API key provided (injected by the emulator).", "invalid_request_error", "invalid_api_key");
                case 408: return ("Request timed out (injected by the emulator).", "server_error", null);
                default:
                    return status >= 500
                        ? ("The server had an error while processing your request (injected by the emulator).", "server_error", null)
                        : ($"Injected error {status}.", "invalid_request_error", null);
            }
        }

        private EmulatorResponse Route(EmulatorRequest request)
        {
            var path = request.Path.TrimEnd('/');
            var azure = false;
            if (path.StartsWith("/_emulator/", StringComparison.Ordinal) || path == "/_emulator") return Admin(request, path);

            if (path.StartsWith("/openai/v1/", StringComparison.Ordinal) || path == "/openai/v1")
            {
                azure = true;
                request.Dialect = Dialect.AzureV1;
                path = path.Substring("/openai/v1".Length);
            }
            else if (path.StartsWith("/openai/", StringComparison.Ordinal))
            {
                azure = true;
                request.Dialect = Dialect.AzureDated;
                if (string.IsNullOrEmpty(request.QueryValue("api-version")))
                    throw new ApiError(404, "Resource not found. The dated Azure OpenAI API needs an api-version query parameter.", null, "404");
                path = path.Substring("/openai".Length);
            }
            else if (path.StartsWith("/v1/", StringComparison.Ordinal) || path == "/v1")
            {
                path = path.Substring("/v1".Length);
            }
            else
            {
                throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);
            }

            PurgeExpiredFiles();
            var segments = path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            var method = request.Method.ToUpperInvariant();

            if (segments.Length >= 1 && segments[0] == "files") return Files(request, method, segments);
            if (segments.Length >= 2 && segments[0] == "fine_tuning" && segments[1] == "jobs") return Jobs(request, method, segments, azure);
            if (segments.Length == 4 && segments[0] == "fine_tuning" && segments[1] == "alpha" && segments[2] == "graders" && method == "POST" &&
                (segments[3] == "run" || segments[3] == "validate"))
                return GraderEndpoint(request, segments[3]);
            if (segments.Length >= 4 && segments[0] == "fine_tuning" && segments[1] == "checkpoints" && segments[3] == "permissions")
                return Permissions(request, method, segments);
            if (segments.Length >= 1 && segments[0] == "models") return Models(request, method, segments);
            if (segments.Length >= 1 && segments[0] == "uploads") return Uploads(request, method, segments);
            throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);
        }

        private void Authenticate(EmulatorRequest request)
        {
            var expected = _apiKey;
            if (string.IsNullOrEmpty(expected)) return;
            string? given = null;
            if (request.Headers.TryGetValue("api-key", out var apiKey)) given = apiKey.Trim();
            else if (request.Headers.TryGetValue("Authorization", out var auth) && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                given = auth.Substring(7).Trim();
            if (given is null)
                throw new ApiError(401, "You didn't provide an API key. Provide it in an Authorization header (Bearer <key>) or, for Azure, an api-key header.", null, null);
            if (!string.Equals(given, expected, StringComparison.Ordinal))
            {
                var tail = given.Length > 4 ? given.Substring(given.Length - 4) : string.Empty;
                throw new ApiError(401, $"Incorrect API key provided: ****{tail}.", null, "invalid_api_key");
            }
        }

        /// <summary>Writes any change before the request is answered, so what is acknowledged is on disk.</summary>
        private void Persist()
        {
            if (_stateDirectory is null) return;
            lock (_state)
            {
                try
                {
                    SaveIfDirty();
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new PersistenceException($"The emulator could not save its state to '{_stateDirectory}': {ex.Message}", ex);
                }
            }
        }

        // ---------------------------------------------------------------- admin

        private EmulatorResponse Admin(EmulatorRequest request, string path)
        {
            var method = request.Method.ToUpperInvariant();
            if (path == "/_emulator/faults" && method == "POST")
            {
                var root = ParseBody(request);
                var rule = new FaultRule
                {
                    Method = OptionalString(root, "method"),
                    PathPattern = OptionalString(root, "path"),
                    Count = OptionalInt(root, "count") ?? 1,
                    StatusCode = OptionalInt(root, "status") ?? 500,
                    Body = OptionalString(root, "body"),
                    DropConnection = root.TryGetProperty("drop_connection", out var drop) && drop.ValueKind == JsonValueKind.True,
                };
                if (OptionalDouble(root, "retry_after_seconds") is double ra) rule.RetryAfter = TimeSpan.FromSeconds(ra);
                if (OptionalDouble(root, "latency_ms") is double lat) rule.Latency = TimeSpan.FromMilliseconds(lat);
                try
                {
                    Faults.Add(rule);
                }
                catch (ArgumentException e)
                {
                    throw new ApiError(400, e.Message, "status", null);
                }
                return Json(200, new JsonObject { ["object"] = "emulator.fault", ["pending"] = Faults.Pending });
            }
            if (path == "/_emulator/faults" && method == "DELETE")
            {
                Faults.Clear();
                return Json(200, new JsonObject { ["object"] = "emulator.fault", ["pending"] = 0 });
            }
            if (path == "/_emulator/job_failures" && method == "POST")
            {
                var root = ParseBody(request);
                var step = OptionalInt(root, "step") ?? throw new ApiError(400, "'step' is required.", "step", null);
                try
                {
                    Faults.FailJobAtStep(OptionalString(root, "job_id"), step, OptionalString(root, "code") ?? "server_error",
                        OptionalString(root, "message") ?? "The job failed due to an internal error.");
                }
                catch (ArgumentException e)
                {
                    throw new ApiError(400, e.Message, "step", null);
                }
                return Json(200, new JsonObject { ["object"] = "emulator.fault", ["pending"] = Faults.Pending });
            }
            if (path == "/_emulator/clock/advance" && method == "POST")
            {
                var root = ParseBody(request);
                var seconds = OptionalDouble(root, "seconds") ?? throw new ApiError(400, "'seconds' is required.", "seconds", null);
                if (seconds < 0) throw new ApiError(400, "'seconds' cannot be negative: the clock only moves forward.", "seconds", null);
                Clock.Advance(TimeSpan.FromSeconds(seconds));
                return Json(200, new JsonObject { ["object"] = "emulator.clock", ["now"] = Clock.Now.ToUnixTimeSeconds() });
            }
            if (path == "/_emulator/clock" && method == "GET")
                return Json(200, new JsonObject { ["object"] = "emulator.clock", ["now"] = Clock.Now.ToUnixTimeSeconds() });
            throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);
        }

        // ---------------------------------------------------------------- files

        private EmulatorResponse Files(EmulatorRequest request, string method, string[] s)
        {
            if (s.Length == 1 && method == "POST") return Upload(request);
            if (s.Length == 2 && method == "POST" && s[1] == "import" && request.Dialect != Dialect.OpenAI) return Import(request);
            if (s.Length == 1 && method == "GET") return ListFiles(request);
            if (s.Length == 2 && method == "GET") return Json(200, FileNode(GetFile(s[1])));
            if (s.Length == 2 && method == "DELETE")
            {
                lock (_state)
                {
                    RemoveFile(GetFile(s[1]));
                }
                return Json(200, new JsonObject { ["id"] = s[1], ["object"] = "file", ["deleted"] = true });
            }
            if (s.Length == 3 && s[2] == "content" && method == "GET")
            {
                var file = GetFile(s[1]);
                if (file.Info.Purpose == "assistants")
                    throw new ApiError(400, "Not allowed to download files of purpose: assistants", null, null);
                return new EmulatorResponse { Status = 200, BodyStream = file.OpenRead, ContentType = "application/octet-stream" };
            }
            throw new ApiError(405, $"Method {method} is not allowed on {request.Path}.", null, null);
        }

        private static readonly HashSet<string> UploadPurposes = new HashSet<string>(StringComparer.Ordinal)
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
            var stored = StoreFile(filename, purpose, filePart.Content, expiry);
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
                content = ImportClient.DownloadAsync(source, shown, MaxFileBytes, () => { lock (_state) return Scratch(); }).GetAwaiter().GetResult();
            }
            catch (ImportException e)
            {
                throw new ApiError(400, "The file could not be imported: " + e.Message, "content_url", "fileImportFailed");
            }
            StoredFile stored;
            using (content) stored = StoreFile(filename, purpose, content, expiry);
            var created = Json(201, FileNode(stored));
            created.Headers["Location"] = (request.Dialect == Dialect.AzureV1 ? "/openai/v1/files/" : "/openai/files/") + stored.Info.Id;
            return created;
        }

        /// <summary>
        /// Keeps received bytes as a file: small ones in memory, large ones (over <see cref="LargeFileBytes"/>) moved from their
        /// scratch file to the state folder (or the scratch folder without one) without passing through memory.
        /// </summary>
        private StoredFile StoreFile(string filename, string purpose, SpooledContent content, TimeSpan? expiry)
        {
            if (content.Length <= LargeFileBytes) return StoreFile(filename, purpose, content.ToArray(), expiry);
            var id = NewFileId();
            var contentName = UniqueName(id, ".bin");
            string target;
            lock (_state) target = Path.Combine(_stateDirectory != null ? FilesDirectory : Scratch(), contentName);
            content.MoveTo(target);
            lock (_state)
            {
                var now = Clock.Now;
                var file = new StoredFile
                {
                    Info = new FineTuningFile
                    {
                        Id = id, Object = "file", Bytes = content.Length, CreatedAt = now, ExpiresAt = now + expiry,
                        Filename = filename, Purpose = purpose, Status = "processed",
                    },
                    DiskPath = target,
                    // In a state folder the moved bytes already are the file's content, under a name of its own.
                    ContentName = _stateDirectory != null ? contentName : null,
                    Sequence = ++_sequence,
                };
                AddFile(file);
                return file;
            }
        }

        private StoredFile StoreFile(string filename, string purpose, byte[] content, TimeSpan? expiry = null)
        {
            lock (_state)
            {
                var now = Clock.Now;
                var file = new StoredFile
                {
                    Info = new FineTuningFile
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
                    Sequence = ++_sequence,
                };
                AddFile(file);
                return file;
            }
        }

        /// <summary>A file id in use by no file, present or remembered by an upload.</summary>
        private string NewFileId()
        {
            lock (_state) return _ids.NewId("file-", 22, id => _files.ContainsKey(id) || _uploads.Values.Any(u => u.File?.Info.Id == id));
        }

        /// <summary>Keeps a file (the caller holds the state lock) and notes when it expires.</summary>
        private void AddFile(StoredFile file)
        {
            _files[file.Info.Id] = file;
            if (file.Info.ExpiresAt is DateTimeOffset at && at < _nextFileExpiry) _nextFileExpiry = at;
            MarkDirty();
        }

        /// <summary>Forgets a file and its bytes (the caller holds the state lock).</summary>
        private void RemoveFile(StoredFile file)
        {
            _files.Remove(file.Info.Id);
            if (file.ContentName != null) DeleteLater(Path.Combine(FilesDirectory, file.ContentName));
            else DeleteLater(file.DiskPath);
            MarkDirty();
        }

        /// <summary>Deletes the files whose expires_at has passed, as the service does; nothing to scan until one is due.</summary>
        private void PurgeExpiredFiles()
        {
            lock (_state)
            {
                var now = Clock.Now;
                if (now < _nextFileExpiry) return;
                var next = DateTimeOffset.MaxValue;
                foreach (var file in _files.Values.ToList())
                {
                    if (!(file.Info.ExpiresAt is DateTimeOffset at)) continue;
                    if (at <= now) RemoveFile(file);
                    else if (at < next) next = at;
                }
                _nextFileExpiry = next;
            }
        }

        /// <summary>
        /// A file's lifetime from <c>expires_after</c> (anchor <c>created_at</c>; seconds from 1 hour, or 14 days on Azure, to
        /// 30 days), or null when none was asked for.
        /// </summary>
        private static TimeSpan? FileExpiry(string? anchor, long? seconds, Dialect dialect)
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
        private static TimeSpan? FileExpiry(JsonElement root, Dialect dialect)
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

        private StoredFile GetFile(string id)
        {
            lock (_state)
            {
                if (_files.TryGetValue(id, out var file)) return file;
            }
            throw new ApiError(404, $"No such File object: {id}", "id", null);
        }

        private EmulatorResponse ListFiles(EmulatorRequest request)
        {
            var limit = Limit(request, 10000, 10000);
            var order = request.QueryValue("order") ?? "desc";
            if (order != "asc" && order != "desc") throw new ApiError(400, $"Invalid 'order': '{order}'. Expected 'asc' or 'desc'.", "order", null);
            var purpose = request.QueryValue("purpose");
            List<StoredFile> all;
            lock (_state) all = _files.Values.Where(f => purpose == null || f.Info.Purpose == purpose).ToList();
            all = order == "desc" ? all.OrderByDescending(f => f.Sequence).ToList() : all.OrderBy(f => f.Sequence).ToList();
            return Json(200, Page(all, f => f.Info.Id, f => FileNode(f), request.QueryValue("after"), limit, withIds: true));
        }

        private static JsonObject FileNode(StoredFile file)
        {
            var node = ToNode(JsonSerializer.SerializeToUtf8Bytes(file.Info, ClientJsonContext.Default.FineTuningFile));
            if (!node.ContainsKey("status_details")) node["status_details"] = null;
            return node;
        }

        // ---------------------------------------------------------------- models

        private EmulatorResponse Models(EmulatorRequest request, string method, string[] s)
        {
            if (s.Length == 1 && method == "GET")
            {
                var data = new JsonArray();
                foreach (var m in BaseModels.Known) data.Add(ModelNode(m.Snapshot, m.Created.ToUnixTimeSeconds(), "system"));
                lock (_state)
                {
                    foreach (var job in _jobs.Values.OrderBy(j => j.Sequence))
                    {
                        var name = job.Job.FineTunedModel;
                        if (name != null && !_deletedModels.Contains(name)) data.Add(FineTunedModelNode(request, job.Job));
                    }
                }
                return Json(200, new JsonObject { ["object"] = "list", ["data"] = data });
            }
            if (s.Length == 2)
            {
                var id = s[1];
                var known = BaseModels.Find(id);
                if (known != null)
                {
                    if (method == "DELETE") throw new ApiError(403, $"You cannot delete the base model {id}.", "model", null);
                    return Json(200, ModelNode(known.Snapshot, known.Created.ToUnixTimeSeconds(), "system"));
                }
                JobRecord? owner;
                FineTuningCheckpoint? checkpoint = null;
                lock (_state)
                {
                    owner = _jobs.Values.FirstOrDefault(j => j.Job.FineTunedModel == id && !_deletedModels.Contains(id));
                    if (owner is null && method == "GET")
                    {
                        // A checkpoint is a model of its own, readable by its name while its fine-tuned model exists.
                        checkpoint = _jobs.Values
                            .Where(j => j.Job.FineTunedModel != null && !_deletedModels.Contains(j.Job.FineTunedModel))
                            .SelectMany(j => j.Checkpoints)
                            .FirstOrDefault(c => c.FineTunedModelCheckpoint == id);
                    }
                }
                if (checkpoint != null) return Json(200, ModelNode(id, checkpoint.CreatedAt.ToUnixTimeSeconds(), Options.OrganizationId));
                if (owner is null) throw new ApiError(404, $"The model '{id}' does not exist", "model", "model_not_found");
                if (method == "DELETE")
                {
                    lock (_state)
                    {
                        _deletedModels.Add(id);
                        MarkDirty();
                    }
                    return Json(200, new JsonObject { ["id"] = id, ["object"] = "model", ["deleted"] = true });
                }
                return Json(200, FineTunedModelNode(request, owner.Job));
            }
            throw new ApiError(404, "Invalid URL (models)", null, null);
        }

        private static JsonObject ModelNode(string id, long created, string owner) =>
            new JsonObject { ["id"] = id, ["object"] = "model", ["created"] = created, ["owned_by"] = owner, ["shutdown_date"] = null };

        /// <summary>A fine-tuned model; Azure OpenAI also names its base model, the job that made it and its status.</summary>
        private JsonObject FineTunedModelNode(EmulatorRequest request, FineTuningJob job)
        {
            var node = ModelNode(job.FineTunedModel!, (job.FinishedAt ?? job.CreatedAt).ToUnixTimeSeconds(), Options.OrganizationId);
            if (request.Dialect != Dialect.OpenAI)
            {
                node["status"] = "succeeded";
                node["model"] = job.Model;
                node["fine_tune"] = job.Id;
            }
            return node;
        }

        // ---------------------------------------------------------------- helpers

        internal string RandomId(int length) => _ids.Text(length);

        private static int Limit(EmulatorRequest request, int fallback, int max)
        {
            var text = request.QueryValue("limit");
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) || limit < 1)
                throw new ApiError(400, $"Invalid 'limit': '{text}'. Expected an integer of at least 1.", "limit", null);
            return Math.Min(limit, max);
        }

        private static JsonObject Page<T>(List<T> items, Func<T, string> id, Func<T, JsonNode> node, string? after, int limit, bool withIds)
        {
            var start = 0;
            if (!string.IsNullOrEmpty(after))
            {
                var index = items.FindIndex(i => id(i) == after);
                start = index < 0 ? items.Count : index + 1;
            }
            var page = items.Skip(start).Take(limit).ToList();
            var data = new JsonArray();
            foreach (var item in page) data.Add(node(item));
            var result = new JsonObject { ["object"] = "list", ["data"] = data };
            if (withIds)
            {
                result["first_id"] = page.Count > 0 ? id(page[0]) : null;
                result["last_id"] = page.Count > 0 ? id(page[page.Count - 1]) : null;
            }
            result["has_more"] = start + page.Count < items.Count;
            return result;
        }

        internal static JsonObject ToNode(byte[] utf8) => (JsonObject)JsonNode.Parse(utf8)!;

        private static EmulatorResponse Json(int status, JsonNode node) =>
            new EmulatorResponse { Status = status, Body = Encoding.UTF8.GetBytes(node.ToJsonString()) };

        private static EmulatorResponse Error(int status, string message, string? param, string? code, string type = "invalid_request_error")
        {
            var body = new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
            };
            var response = Json(status, body);
            response.Headers["x-request-id"] = "req_emu" + Guid.NewGuid().ToString("N").Substring(0, 20);
            return response;
        }

        /// <summary>The dated Azure API's error shape: {"error":{"code","message","target"}} with Azure's codes.</summary>
        private static EmulatorResponse AzureError(int status, string message, string? target, string? code)
        {
            string azureCode;
            switch (status)
            {
                case 400: azureCode = code == "transition" ? "unexpectedEntityState" : code == "invalid_training_file" ? "jsonlValidationFailed" : code == "fileImportFailed" ? code : "invalidPayload"; break;
                case 401: azureCode = "unauthorized"; break;
                case 403: azureCode = "forbidden"; break;
                case 404: azureCode = "notFound"; break;
                case 409: azureCode = "conflict"; break;
                case 429: azureCode = "tooManyRequests"; break;
                case 503: azureCode = "serviceUnavailable"; break;
                default: azureCode = status >= 500 ? "internalFailure" : "invalidPayload"; break;
            }
            var error = new JsonObject { ["code"] = azureCode, ["message"] = message };
            if (target != null) error["target"] = target;
            var response = Json(status, new JsonObject { ["error"] = error });
            response.Headers["apim-request-id"] = Guid.NewGuid().ToString();
            return response;
        }

        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        private static JsonElement ParseBody(EmulatorRequest request)
        {
            if (request.Body.Length == 0) throw new ApiError(400, "The request needs a JSON body.", null, null);
            try
            {
                StrictUtf8.GetCharCount(request.Body);
            }
            catch (DecoderFallbackException e)
            {
                var at = e.Index >= 0 ? $" (byte offset {e.Index})" : string.Empty;
                throw new ApiError(400, $"We could not parse the JSON body of your request: it is not valid UTF-8{at}. Send the body encoded as UTF-8.", null, "invalid_utf8");
            }
            try
            {
                using var doc = JsonDocument.Parse(request.Body);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new ApiError(400, "The request body must be a JSON object.", null, null);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new ApiError(400, "We could not parse the JSON body of your request. " + e.Message, null, null);
            }
        }

        private static string? OptionalString(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String) throw new ApiError(400, $"Invalid type for '{name}': expected a string, but got {Kind(v)}.", name, "invalid_type");
            return v.GetString();
        }

        private static int? OptionalInt(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d != Math.Floor(d) || d > int.MaxValue || d < int.MinValue)
                throw new ApiError(400, $"Invalid type for '{name}': expected an integer, but got {Kind(v)}.", name, "invalid_type");
            return (int)d;
        }

        private static double? OptionalDouble(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.Number) throw new ApiError(400, $"Invalid type for '{name}': expected a number, but got {Kind(v)}.", name, "invalid_type");
            return v.GetDouble();
        }

        private static string Kind(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.String: return "a string";
                case JsonValueKind.Number: return "a number";
                case JsonValueKind.Object: return "an object";
                case JsonValueKind.Array: return "an array";
                case JsonValueKind.True:
                case JsonValueKind.False: return "a boolean";
                default: return "null";
            }
        }
    }

    /// <summary>Saving the state failed; the request is answered 500 and the change is not acknowledged.</summary>
    internal sealed class PersistenceException : Exception
    {
        public PersistenceException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>An error answer in the service's envelope.</summary>
    internal sealed class ApiError : Exception
    {
        public ApiError(int status, string message, string? param, string? code, string type = "invalid_request_error") : base(message)
        {
            Status = status;
            Param = param;
            Code = code;
            Type = type;
        }

        public int Status { get; }
        public string? Param { get; }
        public string? Code { get; }
        public string Type { get; }
    }
}
