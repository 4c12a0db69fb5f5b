using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
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
    /// The base every resource client sends through: one <see cref="HttpClient"/> per connection, the connection's
    /// credential headers, redirects followed only within the origin, answers read within bounds, retries as
    /// <see cref="RetryPolicy"/> says, verbose and debug lines to <see cref="ClientLog.Current"/>, and every failure
    /// turned into <see cref="FineTuningServiceException"/>, <see cref="FineTuningTransportException"/> or
    /// <see cref="FineTuningProtocolException"/>. Safe for concurrent calls.
    /// </summary>
    internal sealed class ApiSender : IDisposable
    {
        private static readonly string UserAgent = "FineTuning-PowerShell/" +
            (typeof(ApiSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0");

        private readonly HttpClient _http;
        private readonly string _base;

        public ApiSender(FineTuningConnection connection, HttpMessageHandler? transport)
        {
            Connection = connection;
            // Redirects are followed here, in SendToAsync, and only within the origin connected to: HttpClientHandler would
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

        public FineTuningConnection Connection { get; }

        public RetryPolicy Retry { get; set; }

        /// <summary>How the sender waits between attempts (replaceable in tests).</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (d, ct) => Task.Delay(d, ct);

        public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

        /// <summary>The most one JSON answer may be, in bytes; file content is streamed and not bound by it.</summary>
        public long MaxResponseBytes { get; set; } = FineTuningClient.DefaultMaxResponseBytes;

        /// <summary>Builds the absolute URI of an API path with its query, adding Azure's api-version where needed.</summary>
        public Uri BuildUri(string path, IEnumerable<KeyValuePair<string, string>>? query)
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
            var apiVersion = Connection.ApiVersionQuery;
            if (apiVersion != null) sb.Append(sep).Append(apiVersion);
            return new Uri(sb.ToString());
        }

        /// <summary>Sends a request and reads its JSON answer (bounded by <see cref="MaxResponseBytes"/>) as <typeparamref name="T"/>.</summary>
        public async Task<T> SendJsonAsync<T>(HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? query,
            Func<HttpContent?>? content, JsonTypeInfo<T> typeInfo, CancellationToken ct, string? debugBody = null)
        {
            using var response = await SendAsync(method, path, query, content, HttpCompletionOption.ResponseHeadersRead, ct, debugBody).ConfigureAwait(false);
            var bytes = await BoundedRead.WholeAsync(response, MaxResponseBytes, Connection.Timeout, method.Method, path, ct).ConfigureAwait(false);
            if (ClientLog.DebugEnabled)
                ClientLog.Debug($"Response body: {ServiceErrors.Excerpt(bytes, 4096)}");
            try
            {
                if (typeof(T) == typeof(FineTuningJob) && JobReader.TryRead(bytes, out var job)) return (T)(object)job;
                var value = JsonSerializer.Deserialize(bytes, typeInfo);
                if (value is null) throw new JsonException("The body was JSON null.");
                return value;
            }
            catch (JsonException ex)
            {
                throw ServiceErrors.NotTheExpectedJson(response, method.Method, path, bytes, ex);
            }
        }

        /// <summary>Up to <paramref name="max"/> bytes of a body, within the connection's timeout; complete is false when there was more.</summary>
        public Task<(byte[] Bytes, bool Complete)> ReadUpToAsync(HttpResponseMessage response, long max, long? declared, CancellationToken ct) =>
            BoundedRead.UpToAsync(response, max, declared, Connection.Timeout, ct);

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
        public async Task<HttpResponseMessage> SendToAsync(HttpMethod method, Uri uri, string path,
            Func<HttpContent?>? content, HttpCompletionOption completion, CancellationToken ct, string? debugBody = null)
        {
            if (!Connection.InProcess && Connection.HasSecret && !Connection.AllowInsecureHttp && !FineTuningConnection.IsSafeToSendSecret(uri))
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
                    var decision = Retry.ForTransportFailure(attempt - 1);
                    var what = timedOut ? $"timed out after {Connection.Timeout.TotalSeconds:0.#} s" : $"failed: {ServiceErrors.Innermost(failure!).Message}";
                    if (decision.Retry)
                    {
                        ClientLog.Verbose($"{method.Method} {uri.AbsoluteUri} {what}; retry {attempt} of {Retry.MaxRetries} in {decision.Delay.TotalSeconds:0.###} s.");
                        await Delay(decision.Delay, ct).ConfigureAwait(false);
                        continue;
                    }
                    ClientLog.Verbose($"{method.Method} {uri.AbsoluteUri} {what} ({elapsedMs} ms, attempt {attempt}).");
                    throw ServiceErrors.Unreachable(method.Method, path, uri, Connection.Timeout, timedOut, attempt, failure!);
                }

                var status = (int)response.StatusCode;
                if (ClientLog.VerboseEnabled)
                {
                    var id = ServiceErrors.RequestId(response);
                    ClientLog.Verbose($"{method.Method} {uri.AbsoluteUri} -> {status} {response.ReasonPhrase} in {elapsedMs} ms{(id is null ? string.Empty : " (request " + id + ")")}{(attempt > 1 ? $", attempt {attempt}" : string.Empty)}.");
                }
                if (status >= 200 && status < 300) return response;

                if (status >= 300 && status < 400 && response.Headers.Location is Uri location)
                {
                    // A redirect: followed only within the origin connected to, so no credential reaches another one.
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    response.Dispose();
                    CheckRedirect(method.Method, path, status, uri, next, ++redirects);
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
                var requestId = ServiceErrors.RequestId(response);
                var body = await ReadErrorBodyAsync(response, ct).ConfigureAwait(false);
                var error = ServiceErrors.Parse(body);
                var retry = Retry.ForResponse(attempt - 1, status, response.Headers, error?.Code, Now());
                if (retry.Retry)
                {
                    ClientLog.Verbose($"{method.Method} {uri.AbsoluteUri} -> {status} {response.ReasonPhrase}{(error?.Code is null ? string.Empty : " (" + error.Value.Code + ")")}; retry {attempt} of {Retry.MaxRetries} in {retry.Delay.TotalSeconds:0.###} s ({retry.Reason}).");
                    response.Dispose();
                    await Delay(retry.Delay, ct).ConfigureAwait(false);
                    continue;
                }
                response.Dispose();
                throw ServiceErrors.FromAnswer(method.Method, path, status, response.ReasonPhrase, requestId, error, body, attempt);
            }
        }

        /// <summary>Refuses a redirect to another origin, or one past <see cref="FineTuningClient.MaxRedirects"/>.</summary>
        private static void CheckRedirect(string method, string path, int status, Uri from, Uri next, int redirects)
        {
            if (!FineTuningClient.SameOrigin(from, next))
                throw new FineTuningRedirectException(
                    $"{method} {path} was redirected ({status}) to another origin, {next.Scheme}://{next.Authority}; the module sends " +
                    $"requests and credentials only to {from.Scheme}://{from.Authority}, the origin it is connected to, and did not follow it.",
                    method, path, status, next, crossOrigin: true);
            if (redirects > FineTuningClient.MaxRedirects)
                throw new FineTuningRedirectException(
                    $"{method} {path} was redirected more than {FineTuningClient.MaxRedirects} times; the last redirect went to {next.AbsoluteUri}.",
                    method, path, status, next, crossOrigin: false);
        }

        /// <summary>At most <see cref="FineTuningClient.MaxErrorBodyBytes"/> of an error answer: enough for any error JSON; a longer body is reported by its start.</summary>
        private async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken ct)
        {
            try
            {
                var declared = response.Content.Headers.ContentLength;
                return (await ReadUpToAsync(response, FineTuningClient.MaxErrorBodyBytes,
                    declared is long cl && cl > FineTuningClient.MaxErrorBodyBytes ? null : declared, ct).ConfigureAwait(false)).Bytes;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                response.Dispose();
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException || ex is OperationCanceledException)
            {
                return Array.Empty<byte>();
            }
        }

        private void AddHeaders(HttpRequestMessage request, int retryCount)
        {
            var auth = Connection.AuthorizationHeader();
            if (auth.HasValue) request.Headers.TryAddWithoutValidation(auth.Value.Name, auth.Value.Value);
            if (!string.IsNullOrEmpty(Connection.Organization)) request.Headers.TryAddWithoutValidation("OpenAI-Organization", Connection.Organization);
            if (!string.IsNullOrEmpty(Connection.Project)) request.Headers.TryAddWithoutValidation("OpenAI-Project", Connection.Project);
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            if (retryCount > 0) request.Headers.TryAddWithoutValidation("x-stainless-retry-count", retryCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        public void Dispose() => _http.Dispose();
    }
}
