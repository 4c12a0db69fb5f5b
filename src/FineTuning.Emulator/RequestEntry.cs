using System;
using System.Globalization;
using System.Text;
using System.Threading;
using FineTuning.Client;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The request entry both transports call (the in-process handler and the loopback server see the emulator only
    /// through it): the key on the line and headers alone, then injected faults, then the route table
    /// (<see cref="RouteTable"/>, filled by the handlers), then the save that makes the answer's changes durable.
    /// The limits on the line, headers and body come before it, at the edge (<see cref="EdgePipeline"/>). It holds the
    /// API key the emulator was started with; nothing else does.
    /// </summary>
    internal sealed class RequestEntry : IEmulatorApp
    {
        /// <summary>The key requests must carry, or null. Kept here only: the emulator's options never show it.</summary>
        private readonly string? _apiKey;
        private readonly FaultInjector _faults;
        private readonly RouteTable _routes;
        private readonly EmulatorStore _store;
        private readonly EmulatorOptions _options;
        private long _answered;

        /// <param name="apiKey">The key requests must carry, or null or empty for none.</param>
        /// <param name="options">The emulator's options (without the key): their limits are read at each request.</param>
        public RequestEntry(string? apiKey, EmulatorOptions options, FaultInjector faults, RouteTable routes, EmulatorStore store)
        {
            _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
            _options = options;
            _faults = faults;
            _routes = routes;
            _store = store;
        }

        /// <summary>How many requests this entry has answered, error answers and injected faults included.</summary>
        public long Answered => Interlocked.Read(ref _answered);

        /// <summary>Whether requests must carry the key.</summary>
        public bool RequiresApiKey => _apiKey != null;

        public ServerLimits Limits => _options.Limits;

        /// <summary>Where bodies spill to past the memory threshold: the state folder's scratch folder when there is one.</summary>
        public string SpoolDirectory()
        {
            lock (_store.Gate) return _store.Scratch();
        }

        /// <summary>An error answer, from the edge, in the request's dialect (OpenAI's when the request could not be read).</summary>
        public EmulatorResponse Refuse(EmulatorRequest? request, int status, string message, string? code)
        {
            var asked = request ?? new EmulatorRequest();
            asked.Dialect = DialectOf(asked.Path);
            return ErrorFor(asked, new ApiError(status, message, null, code, status >= 500 ? "server_error" : "invalid_request_error"));
        }

        /// <summary>
        /// The door, on the request's line and headers alone (the HTTP edge calls it before it reads any body):
        /// the 401 when the key is missing or wrong, else null. Nothing else runs for a request it refuses.
        /// </summary>
        public EmulatorResponse? Admit(EmulatorRequest request)
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
        public EmulatorResponse Handle(EmulatorRequest request)
        {
            try
            {
                return Answer(request);
            }
            finally
            {
                Interlocked.Increment(ref _answered);
            }
        }

        private EmulatorResponse Answer(EmulatorRequest request)
        {
            var denied = Admit(request);
            if (denied != null) return denied;
            try
            {
                var fault = _faults.Take(request.Method, request.Path);
                if (fault != null)
                {
                    var injected = Inject(fault);
                    if (injected != null) return injected;
                }
                var response = _routes.Dispatch(request);
                if (fault?.Latency is TimeSpan latency) response.Latency = latency;
                _store.Persist();
                return response;
            }
            catch (ApiError e)
            {
                _store.Persist();
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

        private EmulatorResponse? Inject(EmulatorFault fault)
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
    }
}
