using System;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>
    /// Drives an emulator through its HTTP control paths (<c>/_emulator/...</c> at the root of its origin), the
    /// same way whether it runs in this process, in another one or on another machine: fault injection, planned
    /// job failures and its clock. Real services are never sent these requests.
    /// </summary>
    public sealed class EmulatorAdminClient : ApiResource
    {
        /// <summary>An emulator's control answer is small: at most 64 KiB is read (a larger one is not an emulator's).</summary>
        private const int MaxAnswer = 64 * 1024;

        internal EmulatorAdminClient(ApiSender sender) : base(sender) { }

        /// <summary>Plants a request fault; returns how many faults are pending.</summary>
        public async Task<int> AddFaultAsync(EmulatorFault fault, CancellationToken ct = default)
        {
            if (fault is null) throw new ArgumentNullException(nameof(fault));
            var body = new JsonObject
            {
                ["status"] = fault.StatusCode,
                ["count"] = fault.Count,
            };
            if (fault.Method != null) body["method"] = fault.Method;
            if (fault.Path != null) body["path"] = fault.Path;
            if (fault.Body != null) body["body"] = fault.Body;
            if (fault.DropConnection) body["drop_connection"] = true;
            if (fault.RetryAfter is TimeSpan retry) body["retry_after_seconds"] = retry.TotalSeconds;
            if (fault.Latency is TimeSpan latency) body["latency_ms"] = latency.TotalMilliseconds;
            var answer = await SendAsync(HttpMethod.Post, "/_emulator/faults", body, "emulator.fault", ct).ConfigureAwait(false);
            return Int(answer, "pending");
        }

        /// <summary>Makes a job (or, with a null id, the next job created) fail when its training reaches <paramref name="step"/>.</summary>
        public async Task<int> FailJobAtStepAsync(string? jobId, int step, string code, string message, CancellationToken ct = default)
        {
            var body = new JsonObject { ["step"] = step, ["code"] = code, ["message"] = message };
            if (jobId != null) body["job_id"] = jobId;
            var answer = await SendAsync(HttpMethod.Post, "/_emulator/job_failures", body, "emulator.fault", ct).ConfigureAwait(false);
            return Int(answer, "pending");
        }

        /// <summary>Removes every pending fault, request and job ones alike.</summary>
        public Task ClearFaultsAsync(CancellationToken ct = default) =>
            SendAsync(HttpMethod.Delete, "/_emulator/faults", null, "emulator.fault", ct);

        /// <summary>Moves the emulator's clock forward; returns the emulator's time after the move.</summary>
        public async Task<DateTimeOffset> AdvanceClockAsync(TimeSpan by, CancellationToken ct = default)
        {
            if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "The clock only moves forward.");
            var answer = await SendAsync(HttpMethod.Post, "/_emulator/clock/advance", new JsonObject { ["seconds"] = by.TotalSeconds }, "emulator.clock", ct)
                .ConfigureAwait(false);
            return Time(answer);
        }

        /// <summary>The emulator's current time.</summary>
        public async Task<DateTimeOffset> GetClockAsync(CancellationToken ct = default) =>
            Time(await SendAsync(HttpMethod.Get, "/_emulator/clock", null, "emulator.clock", ct).ConfigureAwait(false));

        /// <summary>The absolute URI of a control path: the root of the connection's origin, whatever its API path.</summary>
        public static Uri ControlUri(FineTuningConnection connection, string path)
        {
            if (connection is null) throw new ArgumentNullException(nameof(connection));
            var origin = connection.BaseUri.GetLeftPart(UriPartial.Authority);
            return new Uri(origin + path);
        }

        /// <summary>
        /// Why the connection cannot lead to an emulator, or null when it may: the public OpenAI service and Azure
        /// resources away from this machine are refused before any request is sent.
        /// </summary>
        public static string? RefusalReason(FineTuningConnection connection)
        {
            if (connection is null) throw new ArgumentNullException(nameof(connection));
            if (connection.Kind == ServiceKind.Emulator || connection.InProcess) return null;
            var host = connection.BaseUri.Host;
            if (connection.Kind == ServiceKind.OpenAI && host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase))
                return $"The connection leads to the OpenAI service ({host}), not to a FineTuning emulator.";
            if (connection.Kind == ServiceKind.AzureOpenAI && !IsLoopback(connection.BaseUri))
                return $"The connection leads to the Azure OpenAI resource {host}, not to a FineTuning emulator.";
            return null;
        }

        private static bool IsLoopback(Uri uri) =>
            uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

        private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, string expectedObject, CancellationToken ct)
        {
            var refusal = RefusalReason(Connection);
            if (refusal != null) throw new NotAnEmulatorException(refusal);
            var origin = Connection.BaseUri.GetLeftPart(UriPartial.Authority);
            var json = body?.ToJsonString();
            HttpResponseMessage response;
            try
            {
                response = await Sender.SendToAsync(method, ControlUri(Connection, path), path,
                    json is null ? (Func<HttpContent?>?)null : () => JsonContent(System.Text.Encoding.UTF8.GetBytes(json)),
                    HttpCompletionOption.ResponseHeadersRead, ct, json).ConfigureAwait(false);
            }
            catch (FineTuningServiceException e) when (e.StatusCode == 404 || e.StatusCode == 405 || e.StatusCode == 501)
            {
                throw new NotAnEmulatorException($"{origin} is not a FineTuning emulator: {method.Method} {path} answered {e.StatusCode}.", e);
            }
            using (response)
            {
                var declared = response.Content.Headers.ContentLength;
                var (bytes, complete) = declared > MaxAnswer
                    ? (Array.Empty<byte>(), false)
                    : await Sender.ReadUpToAsync(response, MaxAnswer, declared, ct).ConfigureAwait(false);
                JsonObject? answer = null;
                try
                {
                    if (complete) answer = JsonNode.Parse(bytes) as JsonObject;
                }
                catch (JsonException)
                {
                    answer = null;
                }
                var kind = answer?["object"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (answer is null || kind != expectedObject)
                    throw new NotAnEmulatorException($"{origin} is not a FineTuning emulator: {method.Method} {path} did not answer with an {expectedObject} object.");
                return answer;
            }
        }

        private static int Int(JsonObject answer, string name) =>
            answer[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : 0;

        private static DateTimeOffset Time(JsonObject answer)
        {
            if (answer["now"] is JsonValue v && v.TryGetValue<double>(out var seconds) && !double.IsNaN(seconds) && !double.IsInfinity(seconds)
                && seconds >= 0 && seconds < 253402300799)
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero));
            throw new FineTuningProtocolException("The emulator's clock answer has no valid 'now'.", 200, null, "GET", "/_emulator/clock");
        }
    }
}
