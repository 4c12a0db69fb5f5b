using System;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>A request fault to plant in an emulator: the next matching requests get this answer.</summary>
    public sealed class EmulatorFault
    {
        /// <summary>HTTP method to match, or null for any.</summary>
        public string? Method { get; set; }
        /// <summary>Text the request path contains, or a pattern with * wildcards; null for any.</summary>
        public string? Path { get; set; }
        public int Count { get; set; } = 1;
        /// <summary>The status to answer with; 0 keeps the real answer (with a latency).</summary>
        public int StatusCode { get; set; } = 500;
        public string? Body { get; set; }
        public TimeSpan? RetryAfter { get; set; }
        public TimeSpan? Latency { get; set; }
        public bool DropConnection { get; set; }
    }

    /// <summary>The connection does not lead to a FineTuning emulator, so it has no control paths.</summary>
    public sealed class NotAnEmulatorException : InvalidOperationException
    {
        public NotAnEmulatorException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// Drives an emulator through its HTTP control paths (<c>/_emulator/...</c> at the root of its origin), the
    /// same way whether it runs in this process, in another one or on another machine: fault injection, planned
    /// job failures and its clock. Real services are never sent these requests.
    /// </summary>
    public static class EmulatorControl
    {
        /// <summary>Plants a request fault; returns how many faults are pending.</summary>
        public static async Task<int> AddFaultAsync(FineTuningClient client, EmulatorFault fault, CancellationToken ct = default)
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
            var answer = await SendAsync(client, HttpMethod.Post, "/_emulator/faults", body, "emulator.fault", ct).ConfigureAwait(false);
            return Int(answer, "pending");
        }

        /// <summary>Makes a job (or, with a null id, the next job created) fail when its training reaches <paramref name="step"/>.</summary>
        public static async Task<int> FailJobAtStepAsync(FineTuningClient client, string? jobId, int step, string code, string message, CancellationToken ct = default)
        {
            var body = new JsonObject { ["step"] = step, ["code"] = code, ["message"] = message };
            if (jobId != null) body["job_id"] = jobId;
            var answer = await SendAsync(client, HttpMethod.Post, "/_emulator/job_failures", body, "emulator.fault", ct).ConfigureAwait(false);
            return Int(answer, "pending");
        }

        /// <summary>Removes every pending fault, request and job ones alike.</summary>
        public static Task ClearFaultsAsync(FineTuningClient client, CancellationToken ct = default) =>
            SendAsync(client, HttpMethod.Delete, "/_emulator/faults", null, "emulator.fault", ct);

        /// <summary>Moves the emulator's clock forward; returns the emulator's time after the move.</summary>
        public static async Task<DateTimeOffset> AdvanceClockAsync(FineTuningClient client, TimeSpan by, CancellationToken ct = default)
        {
            if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "The clock only moves forward.");
            var answer = await SendAsync(client, HttpMethod.Post, "/_emulator/clock/advance", new JsonObject { ["seconds"] = by.TotalSeconds }, "emulator.clock", ct)
                .ConfigureAwait(false);
            return Time(answer);
        }

        /// <summary>The emulator's current time.</summary>
        public static async Task<DateTimeOffset> GetClockAsync(FineTuningClient client, CancellationToken ct = default) =>
            Time(await SendAsync(client, HttpMethod.Get, "/_emulator/clock", null, "emulator.clock", ct).ConfigureAwait(false));

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

        private static async Task<JsonObject> SendAsync(FineTuningClient client, HttpMethod method, string path, JsonObject? body, string expectedObject,
            CancellationToken ct)
        {
            if (client is null) throw new ArgumentNullException(nameof(client));
            var connection = client.Connection;
            var refusal = RefusalReason(connection);
            if (refusal != null) throw new NotAnEmulatorException(refusal);
            var uri = ControlUri(connection, path);
            var json = body?.ToJsonString();
            HttpResponseMessage response;
            try
            {
                response = await client.SendToAsync(method, uri, path, json is null ? (Func<HttpContent?>?)null : () =>
                {
                    var content = new StringContent(json, System.Text.Encoding.UTF8);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    return content;
                }, HttpCompletionOption.ResponseHeadersRead, ct, json).ConfigureAwait(false);
            }
            catch (FineTuningServiceException e) when (e.StatusCode == 404 || e.StatusCode == 405 || e.StatusCode == 501)
            {
                throw new NotAnEmulatorException(
                    $"{connection.BaseUri.GetLeftPart(UriPartial.Authority)} is not a FineTuning emulator: {method.Method} {path} answered {e.StatusCode}.", e);
            }
            using (response)
            {
                // An emulator's control answer is small: at most 64 KiB is read (a larger one is not an emulator's).
                const int MaxAnswer = 64 * 1024;
                var declared = response.Content.Headers.ContentLength;
                var (bytes, complete) = declared > MaxAnswer
                    ? (Array.Empty<byte>(), false)
                    : await client.ReadUpToAsync(response, MaxAnswer, declared, ct).ConfigureAwait(false);
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
                    throw new NotAnEmulatorException(
                        $"{connection.BaseUri.GetLeftPart(UriPartial.Authority)} is not a FineTuning emulator: {method.Method} {path} did not answer with an {expectedObject} object.");
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
