using System;
using System.Globalization;
using System.Net.Http.Headers;

namespace FineTuning.Client
{
    /// <summary>
    /// When to send a request again, and after how long. Follows the official Python SDK: retry on
    /// connection failures, timeouts, 408, 409, 429 and 5xx; obey <c>x-should-retry</c>; honour
    /// <c>retry-after-ms</c>, then <c>retry-after</c> (seconds or an HTTP date) up to a cap, above which
    /// the request is not retried; otherwise back off exponentially with jitter.
    /// </summary>
    public sealed class RetryPolicy
    {
        private readonly Func<double> _random;

        public RetryPolicy(int maxRetries = 2, Func<double>? random = null)
        {
            if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries));
            MaxRetries = maxRetries;
            var rng = new Random();
            _random = random ?? (() => { lock (rng) return rng.NextDouble(); });
        }

        public int MaxRetries { get; }
        public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(0.5);
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(8);
        /// <summary>A server-directed delay above this is not waited for: the request fails instead.</summary>
        public TimeSpan MaxServerDelay { get; set; } = TimeSpan.FromSeconds(120);

        /// <summary>Should a response with this status be retried, given how many retries were already taken?</summary>
        public RetryDecision ForResponse(int retriesTaken, int statusCode, HttpResponseHeaders? headers, string? errorCode, DateTimeOffset now)
        {
            if (retriesTaken >= MaxRetries) return RetryDecision.No($"no retries left ({MaxRetries} allowed)");

            var shouldRetry = Header(headers, "x-should-retry");
            if (string.Equals(shouldRetry, "false", StringComparison.OrdinalIgnoreCase)) return RetryDecision.No("the service said not to retry (x-should-retry: false)");
            var forced = string.Equals(shouldRetry, "true", StringComparison.OrdinalIgnoreCase);

            if (!forced)
            {
                if (string.Equals(errorCode, "insufficient_quota", StringComparison.OrdinalIgnoreCase))
                    return RetryDecision.No("the quota is exhausted; retrying does not help");
                var retryable = statusCode == 408 || statusCode == 409 || statusCode == 429 || statusCode >= 500;
                if (!retryable) return RetryDecision.No($"status {statusCode} is not retried");
            }

            var server = ServerDelay(headers, now);
            if (server.HasValue)
            {
                if (server.Value > MaxServerDelay)
                    return RetryDecision.No($"the service asked to wait {server.Value.TotalSeconds:0.#} s, more than the {MaxServerDelay.TotalSeconds:0} s limit");
                return RetryDecision.Yes(server.Value, "as the service asked (retry-after)");
            }
            return RetryDecision.Yes(Backoff(retriesTaken), "backoff");
        }

        /// <summary>Should a request that got no answer (connection failure, timeout) be retried?</summary>
        public RetryDecision ForTransportFailure(int retriesTaken) =>
            retriesTaken >= MaxRetries ? RetryDecision.No($"no retries left ({MaxRetries} allowed)") : RetryDecision.Yes(Backoff(retriesTaken), "backoff");

        /// <summary>min(initial × 2^n, max) × (1 − 0.25 × random): 0.375–0.5 s, then 0.75–1 s, … up to 8 s.</summary>
        public TimeSpan Backoff(int retriesTaken)
        {
            var seconds = Math.Min(InitialDelay.TotalSeconds * Math.Pow(2, retriesTaken), MaxDelay.TotalSeconds);
            var jitter = 1 - 0.25 * _random();
            return TimeSpan.FromSeconds(seconds * jitter);
        }

        /// <summary>retry-after-ms (milliseconds), else retry-after (seconds, or an HTTP date). Null when absent or not positive.</summary>
        public static TimeSpan? ServerDelay(HttpResponseHeaders? headers, DateTimeOffset now)
        {
            var ms = Header(headers, "retry-after-ms") ?? Header(headers, "x-ms-retry-after-ms");
            if (ms != null && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis > 0)
                return Clamped(millis / 1000);
            var ra = Header(headers, "retry-after");
            if (ra == null) return null;
            if (double.TryParse(ra, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                return seconds > 0 ? Clamped(seconds) : (TimeSpan?)null;
            if (DateTimeOffset.TryParse(ra, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                var d = when - now;
                return d > TimeSpan.Zero ? d : (TimeSpan?)null;
            }
            return null;
        }

        /// <summary>
        /// Seconds as a TimeSpan; a wait too long for one (1e20, Infinity) is the longest TimeSpan, which is far above any
        /// cap, so the request is not retried and fails with what the service said (a 429 stays RateLimited).
        /// </summary>
        private static TimeSpan Clamped(double seconds) =>
            double.IsNaN(seconds) ? TimeSpan.Zero : seconds >= 1e9 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds); // 1e9 s: 31 years

        private static string? Header(HttpResponseHeaders? headers, string name)
        {
            if (headers != null && headers.TryGetValues(name, out var values))
            {
                foreach (var v in values) return v?.Trim();
            }
            return null;
        }
    }

    public readonly struct RetryDecision
    {
        private RetryDecision(bool retry, TimeSpan delay, string reason)
        {
            Retry = retry;
            Delay = delay;
            Reason = reason;
        }

        public bool Retry { get; }
        public TimeSpan Delay { get; }
        public string Reason { get; }

        public static RetryDecision Yes(TimeSpan delay, string reason) => new RetryDecision(true, delay, reason);
        public static RetryDecision No(string reason) => new RetryDecision(false, TimeSpan.Zero, reason);
    }
}
