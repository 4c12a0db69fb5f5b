using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>An error answer's envelope as the service writes it (OpenAI's, or Azure's with <c>target</c>).</summary>
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

    /// <summary>
    /// Turns what went wrong into the client's exceptions, every message passed through <see cref="SecretMasker"/>:
    /// error answers, bodies that are not the expected JSON, answers over the size limit, services that cannot be reached.
    /// </summary>
    internal static class ServiceErrors
    {
        private static readonly string[] RequestIdHeaders = { "x-request-id", "apim-request-id", "x-ms-request-id" };

        public static ParsedError? Parse(byte[] body)
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

        /// <summary>The exception for an error answer the retries did not get past.</summary>
        public static Exception FromAnswer(string method, string path, int status, string? reason, string? requestId, ParsedError? error, byte[] body, int attempts)
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

        /// <summary>No answer at all: the connection failed or the attempt timed out, after the retries.</summary>
        public static Exception Unreachable(string method, string path, Uri uri, TimeSpan timeout, bool timedOut, int attempts, Exception failure) =>
            new FineTuningTransportException(
                SecretMasker.Mask(timedOut
                    ? $"{method} {path} to {uri.Host} timed out after {timeout.TotalSeconds:0.#} s ({attempts} attempt(s))."
                    : $"Could not reach {uri.Scheme}://{uri.Authority}: {Innermost(failure).Message} ({attempts} attempt(s))."),
                method, path, timedOut, attempts, failure);

        /// <summary>A success answer whose body is not the JSON the call expects.</summary>
        public static Exception NotTheExpectedJson(HttpResponseMessage response, string method, string path, byte[] bytes, JsonException ex) =>
            new FineTuningProtocolException(
                SecretMasker.Mask($"{method} {path} answered {(int)response.StatusCode} but its body is not the expected JSON ({ex.Message}{Where(ex)}). Body starts: {Excerpt(bytes, 200)}"),
                (int)response.StatusCode, RequestId(response), method, path, ex);

        public static FineTuningResponseTooLargeException TooLarge(HttpResponseMessage response, string method, string path, long limit, long? declared) =>
            new FineTuningResponseTooLargeException(
                $"The answer to {method} {path} is larger than the {Size(limit)} the module reads for one answer" +
                (declared.HasValue ? $" (Content-Length {declared.Value:N0} bytes); none of it was read." : "; it stopped reading there.") +
                " A fine-tuning API answer is far smaller: check the base URI.",
                (int)response.StatusCode, RequestId(response), method, path, limit, declared);

        private static string Size(long bytes) =>
            bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes:N0} bytes";

        public static string? RequestId(HttpResponseMessage response)
        {
            foreach (var name in RequestIdHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values)) return values.FirstOrDefault();
            }
            return null;
        }

        public static string Excerpt(byte[] bytes, int max)
        {
            var count = Math.Min(bytes.Length, max);
            var text = Encoding.UTF8.GetString(bytes, 0, count);
            return SecretMasker.Mask(bytes.Length > max ? text + "…" : text);
        }

        /// <summary>The field a JSON error is about, when the message does not already name it.</summary>
        private static string Where(JsonException ex) =>
            string.IsNullOrEmpty(ex.Path) || ex.Message.IndexOf(ex.Path, StringComparison.Ordinal) >= 0 ? string.Empty : $" at {ex.Path}";

        public static Exception Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }
    }
}
