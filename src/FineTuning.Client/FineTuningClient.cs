using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>
    /// The fine-tuning API over HTTP. One instance per connection; safe for concurrent calls.
    /// Every call retries as <see cref="RetryPolicy"/> says, reports to <see cref="ClientLog.Current"/>,
    /// and throws <see cref="FineTuningServiceException"/>, <see cref="FineTuningTransportException"/>
    /// or <see cref="FineTuningProtocolException"/>.
    /// </summary>
    public sealed partial class FineTuningClient : IDisposable
    {
        private static readonly string UserAgent = "FineTuning-PowerShell/" +
            (typeof(FineTuningClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0");

        private readonly FineTuningConnection _connection;
        private readonly HttpClient _http;
        private readonly string _base;

        internal FineTuningClient(FineTuningConnection connection, HttpMessageHandler? transport)
        {
            _connection = connection;
            // Redirects are followed here, in SendAsync, and only within the origin connected to: HttpClientHandler would
            // carry a custom credential header (Azure's api-key) to any host a redirect names.
            var handler = transport ?? new HttpClientHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = false,
            };
            // HttpClient enforces the per-attempt timeout itself, which saves a timer and a linked token per request.
            _http = new HttpClient(handler, disposeHandler: transport == null)
            {
                Timeout = connection.Timeout.TotalMilliseconds < int.MaxValue ? connection.Timeout : System.Threading.Timeout.InfiniteTimeSpan,
            };
            _base = connection.BaseUri.ToString().TrimEnd('/');
            Retry = new RetryPolicy(connection.MaxRetries);
        }

        public RetryPolicy Retry { get; set; }

        /// <summary>How the client waits between attempts (replaceable in tests).</summary>
        internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (d, ct) => Task.Delay(d, ct);

        internal Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

        public FineTuningConnection Connection => _connection;

        /// <summary>Builds the absolute URI of an API path with its query, adding Azure's api-version where needed.</summary>
        public Uri BuildUri(string path, IEnumerable<KeyValuePair<string, string>>? query = null)
        {
            var sb = new StringBuilder(_base.Length + path.Length + 32);
            sb.Append(_base);
            if (!path.StartsWith("/", StringComparison.Ordinal)) sb.Append('/');
            sb.Append(path);
            var sep = '?';
            if (query != null)
            {
                foreach (var kv in query)
                {
                    sb.Append(sep).Append(Uri.EscapeDataString(kv.Key)).Append('=').Append(Uri.EscapeDataString(kv.Value));
                    sep = '&';
                }
            }
            var apiVersion = _connection.ApiVersionQuery;
            if (apiVersion != null) sb.Append(sep).Append(apiVersion);
            return new Uri(sb.ToString());
        }

        /// <summary>Escapes one path segment (ids, checkpoint names with ':').</summary>
        public static string Segment(string value) => Uri.EscapeDataString(value ?? string.Empty);

        internal async Task<T> SendJsonAsync<T>(HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? query,
            Func<HttpContent?>? content, JsonTypeInfo<T> typeInfo, CancellationToken ct, string? debugBody = null)
        {
            using var response = await SendAsync(method, path, query, content, HttpCompletionOption.ResponseHeadersRead, ct, debugBody).ConfigureAwait(false);
            var bytes = await ReadBoundedAsync(response, method.Method, path, ct).ConfigureAwait(false);
            if (ClientLog.DebugEnabled)
                ClientLog.Debug($"Response body: {Excerpt(bytes, 4096)}");
            try
            {
                if (typeof(T) == typeof(FineTuningJob) && JobReader.TryRead(bytes, out var job)) return (T)(object)job;
                var value = JsonSerializer.Deserialize(bytes, typeInfo);
                if (value is null) throw new JsonException("The body was JSON null.");
                return value;
            }
            catch (JsonException ex)
            {
                throw new FineTuningProtocolException(
                    SecretMasker.Mask($"{method} {path} answered {(int)response.StatusCode} but its body is not the expected JSON ({ex.Message}{Where(ex)}). Body starts: {Excerpt(bytes, 200)}"),
                    (int)response.StatusCode, RequestId(response), method.Method, path, ex);
            }
        }

        /// <summary>The most one JSON answer may be, in bytes (default 32 MiB); file content is streamed and not bound by it.</summary>
        public long MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

        public const long DefaultMaxResponseBytes = 32L * 1024 * 1024;

        /// <summary>How much of an error answer is read (1 MiB); the rest is not needed to report it.</summary>
        public const int MaxErrorBodyBytes = 1024 * 1024;

        /// <summary>
        /// Reads a JSON answer whole, but never more than <see cref="MaxResponseBytes"/>: a declared Content-Length over the
        /// limit fails before any of the body is read, an undeclared one as soon as the limit is passed. The connection's
        /// timeout bounds the read, as it bounds the wait for the headers.
        /// </summary>
        private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string method, string path, CancellationToken ct)
        {
            var limit = MaxResponseBytes;
            var declared = response.Content.Headers.ContentLength;
            if (declared > limit) throw TooLarge(response, method, path, limit, declared);
            try
            {
                var (bytes, complete) = await ReadUpToAsync(response, limit, declared, ct).ConfigureAwait(false);
                if (!complete) throw TooLarge(response, method, path, limit, declared);
                return bytes;
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new FineTuningTransportException(
                    $"{method} {path} timed out after {_connection.Timeout.TotalSeconds:0.#} s while its answer was being read.", method, path, true, 1, ex);
            }
            catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
            {
                throw new FineTuningTransportException(
                    $"The connection broke while the answer to {method} {path} was being read: {Innermost(ex).Message}", method, path, false, 1, ex);
            }
        }

        /// <summary>Up to <paramref name="max"/> bytes of a body; complete is false when there was more.</summary>
        internal async Task<(byte[] Bytes, bool Complete)> ReadUpToAsync(HttpResponseMessage response, long max, long? declared, CancellationToken ct)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (_connection.Timeout.TotalMilliseconds < int.MaxValue) timeout.CancelAfter(_connection.Timeout);
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[declared is long d ? Math.Min(d, max) : Math.Min(16 * 1024, max + 1)];
            var count = 0;
            while (true)
            {
                if (declared.HasValue && count == declared.Value) break; // the handler never gives more than Content-Length
                if (count == buffer.Length)
                {
                    if (count > max) return (buffer, false);
                    Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, 1024), max + 1));
                }
                var read = await stream.ReadAsync(buffer, count, buffer.Length - count, timeout.Token).ConfigureAwait(false);
                if (read == 0) break;
                count += read;
                if (count > max) return (buffer, false);
            }
            if (count != buffer.Length) Array.Resize(ref buffer, count);
            return (buffer, true);
        }

        private static FineTuningResponseTooLargeException TooLarge(HttpResponseMessage response, string method, string path, long limit, long? declared) =>
            new FineTuningResponseTooLargeException(
                $"The answer to {method} {path} is larger than the {Size(limit)} the module reads for one answer" +
                (declared.HasValue ? $" (Content-Length {declared.Value:N0} bytes); none of it was read." : "; it stopped reading there.") +
                " A fine-tuning API answer is far smaller: check the base URI.",
                (int)response.StatusCode, RequestId(response), method, path, limit, declared);

        private static string Size(long bytes) =>
            bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes:N0} bytes";

        /// <summary>
        /// Sends a request, retrying as the policy says. Returns a success response (2xx) that the caller disposes;
        /// throws for anything else. <paramref name="content"/> is called once per attempt, so bodies are fresh.
        /// </summary>
        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? query,
            Func<HttpContent?>? content, HttpCompletionOption completion, CancellationToken ct, string? debugBody = null) =>
            SendToAsync(method, BuildUri(path, query), path, content, completion, ct, debugBody);

        /// <summary>
        /// <see cref="SendAsync"/> to an absolute URI (the emulator's control paths live beside the API, not under it);
        /// <paramref name="path"/> names the request in messages.
        /// </summary>
        internal async Task<HttpResponseMessage> SendToAsync(HttpMethod method, Uri uri, string path,
            Func<HttpContent?>? content, HttpCompletionOption completion, CancellationToken ct, string? debugBody = null)
        {
            if (!_connection.InProcess && _connection.HasSecret && !_connection.AllowInsecureHttp && !FineTuningConnection.IsSafeToSendSecret(uri))
                throw new FineTuningConnectionException($"Refusing to send an API key over plain http to '{uri.Host}'.");

            if (debugBody != null && ClientLog.DebugEnabled) ClientLog.Debug($"Request body: {debugBody}");

            var attempt = 0;
            var redirects = 0;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                attempt++;
                using var request = new HttpRequestMessage(method, uri);
                request.Content = content?.Invoke();
                AddHeaders(request, attempt - 1);

                var started = Stopwatch.GetTimestamp();
                HttpResponseMessage? response = null;
                Exception? failure = null;
                var timedOut = false;
                try
                {
                    response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex)
                {
                    failure = ex; // HttpClient's timeout
                    timedOut = true;
                }
                catch (HttpRequestException ex)
                {
                    failure = ex;
                }
                catch (IOException ex)
                {
                    failure = ex;
                }
                var elapsedMs = (Stopwatch.GetTimestamp() - started) * 1000 / Stopwatch.Frequency;

                if (response == null)
                {
                    var display = $"{method.Method} {uri.AbsoluteUri}";
                    var what = timedOut ? $"timed out after {_connection.Timeout.TotalSeconds:0.#} s" : $"failed: {Innermost(failure!).Message}";
                    var decision = Retry.ForTransportFailure(attempt - 1);
                    if (decision.Retry)
                    {
                        ClientLog.Verbose($"{display} {what}; retry {attempt} of {Retry.MaxRetries} in {decision.Delay.TotalSeconds:0.###} s.");
                        await Delay(decision.Delay, ct).ConfigureAwait(false);
                        continue;
                    }
                    ClientLog.Verbose($"{display} {what} ({elapsedMs} ms, attempt {attempt}).");
                    throw new FineTuningTransportException(
                        SecretMasker.Mask(timedOut
                            ? $"{method.Method} {path} to {uri.Host} timed out after {_connection.Timeout.TotalSeconds:0.#} s ({attempt} attempt(s))."
                            : $"Could not reach {uri.Scheme}://{uri.Authority}: {Innermost(failure!).Message} ({attempt} attempt(s))."),
                        method.Method, path, timedOut, attempt, failure);
                }

                var status = (int)response.StatusCode;
                if (ClientLog.VerboseEnabled)
                {
                    var id = RequestId(response);
                    ClientLog.Verbose($"{method.Method} {uri.AbsoluteUri} -> {status} {response.ReasonPhrase} in {elapsedMs} ms{(id is null ? string.Empty : " (request " + id + ")")}{(attempt > 1 ? $", attempt {attempt}" : string.Empty)}.");
                }
                if (status >= 200 && status < 300) return response;
                var requestId = RequestId(response);

                if (status >= 300 && status < 400 && response.Headers.Location is Uri location)
                {
                    // A redirect: followed only within the origin connected to, so no credential reaches another one.
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    response.Dispose();
                    if (!SameOrigin(uri, next))
                        throw new FineTuningRedirectException(
                            $"{method.Method} {path} was redirected ({status}) to another origin, {next.Scheme}://{next.Authority}; the module sends " +
                            $"requests and credentials only to {uri.Scheme}://{uri.Authority}, the origin it is connected to, and did not follow it.",
                            method.Method, path, status, next, crossOrigin: true);
                    if (++redirects > MaxRedirects)
                        throw new FineTuningRedirectException(
                            $"{method.Method} {path} was redirected more than {MaxRedirects} times; the last redirect went to {next.AbsoluteUri}.",
                            method.Method, path, status, next, crossOrigin: false);
                    ClientLog.Verbose($"{method.Method} {uri.AbsoluteUri} -> {status}: redirected to {next.AbsoluteUri} (same origin).");
                    if (status == 303 || ((status == 301 || status == 302) && method == HttpMethod.Post))
                    {
                        method = HttpMethod.Get;
                        content = null;
                    }
                    uri = next;
                    attempt--; // a redirect is not a retry
                    continue;
                }

                // An error: read it, decide whether to retry.
                byte[] body;
                try
                {
                    // At most MaxErrorBodyBytes: enough for any error JSON; a longer body is reported by its start.
                    body = (await ReadUpToAsync(response, MaxErrorBodyBytes, response.Content.Headers.ContentLength is long cl && cl > MaxErrorBodyBytes ? null : response.Content.Headers.ContentLength, ct).ConfigureAwait(false)).Bytes;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    response.Dispose();
                    throw;
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is IOException || ex is OperationCanceledException)
                {
                    body = Array.Empty<byte>();
                }
                var error = ParseError(body);
                var retry = Retry.ForResponse(attempt - 1, status, response.Headers, error?.Code, Now());
                if (retry.Retry)
                {
                    ClientLog.Verbose($"{method.Method} {uri.AbsoluteUri} -> {status} {response.ReasonPhrase}{(error?.Code is null ? string.Empty : " (" + error.Value.Code + ")")}; retry {attempt} of {Retry.MaxRetries} in {retry.Delay.TotalSeconds:0.###} s ({retry.Reason}).");
                    response.Dispose();
                    await Delay(retry.Delay, ct).ConfigureAwait(false);
                    continue;
                }
                response.Dispose();
                throw BuildServiceException(method.Method, path, status, response.ReasonPhrase, requestId, error, body, attempt);
            }
        }

        /// <summary>How many redirects within the origin one request follows.</summary>
        public const int MaxRedirects = 5;

        /// <summary>Same scheme, host and port.</summary>
        public static bool SameOrigin(Uri a, Uri b) =>
            string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) &&
            a.Port == b.Port;

        private void AddHeaders(HttpRequestMessage request, int retryCount)
        {
            var auth = _connection.AuthorizationHeader();
            if (auth.HasValue) request.Headers.TryAddWithoutValidation(auth.Value.Name, auth.Value.Value);
            if (!string.IsNullOrEmpty(_connection.Organization)) request.Headers.TryAddWithoutValidation("OpenAI-Organization", _connection.Organization);
            if (!string.IsNullOrEmpty(_connection.Project)) request.Headers.TryAddWithoutValidation("OpenAI-Project", _connection.Project);
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            if (retryCount > 0) request.Headers.TryAddWithoutValidation("x-stainless-retry-count", retryCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        internal readonly struct ParsedError
        {
            public ParsedError(string? message, string? type, string? code, string? param)
            {
                Message = message;
                Type = type;
                Code = code;
                Param = param;
            }

            public string? Message { get; }
            public string? Type { get; }
            public string? Code { get; }
            public string? Param { get; }
        }

        internal static ParsedError? ParseError(byte[] body)
        {
            if (body.Length == 0) return null;
            try
            {
                var envelope = JsonSerializer.Deserialize(body, ClientJsonContext.Default.ErrorEnvelope);
                var e = envelope?.Error;
                if (e is null) return null;
                return new ParsedError(e.Message, e.Type, Text(e.Code), Text(e.Param) ?? e.Target);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? Text(JsonElement? element)
        {
            if (element is null) return null;
            var e = element.Value;
            return e.ValueKind switch
            {
                JsonValueKind.String => e.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => e.GetRawText(),
            };
        }

        private static Exception BuildServiceException(string method, string path, int status, string? reason, string? requestId, ParsedError? error, byte[] body, int attempts)
        {
            string message;
            string? raw = null;
            if (error?.Message is string m && m.Length > 0)
            {
                message = m;
            }
            else if (body.Length > 0 && error is null)
            {
                raw = SecretMasker.Mask(Excerpt(body, 500));
                message = $"The service answered {status} {reason} with a body that is not the service's error JSON: {Excerpt(body, 200)}";
            }
            else
            {
                message = $"The service answered {status} {reason}.";
            }
            if (attempts > 1) message += $" (after {attempts} attempts)";
            return new FineTuningServiceException(SecretMasker.Mask(message), status, error?.Type, error?.Code, error?.Param, requestId, method, path, attempts, raw);
        }

        private static readonly string[] RequestIdHeaders = { "x-request-id", "apim-request-id", "x-ms-request-id" };

        internal static string? RequestId(HttpResponseMessage response)
        {
            foreach (var name in RequestIdHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values)) return values.FirstOrDefault();
            }
            return null;
        }

        internal static string Excerpt(byte[] bytes, int max)
        {
            var count = Math.Min(bytes.Length, max);
            var text = Encoding.UTF8.GetString(bytes, 0, count);
            return SecretMasker.Mask(bytes.Length > max ? text + "…" : text);
        }

        /// <summary>The field a JSON error is about, when the message does not already name it.</summary>
        private static string Where(JsonException ex) =>
            string.IsNullOrEmpty(ex.Path) || ex.Message.IndexOf(ex.Path, StringComparison.Ordinal) >= 0 ? string.Empty : $" at {ex.Path}";

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }

        public void Dispose() => _http.Dispose();
    }
}
