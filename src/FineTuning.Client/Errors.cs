using System;

namespace FineTuning.Client
{
    /// <summary>What kind of failure the service reported, derived from the HTTP status and error code.</summary>
    public enum ServiceErrorKind
    {
        BadRequest,
        Authentication,
        PermissionDenied,
        NotFound,
        Conflict,
        UnprocessableEntity,
        RateLimited,
        QuotaExceeded,
        ServerError,
        Other,
    }

    /// <summary>
    /// The service answered with an error status. Keeps what it said about the error, with every text property
    /// masked (<see cref="SecretMasker"/>: a service may echo the key in any field) and made safe to print
    /// (<see cref="TerminalText"/>).
    /// </summary>
    public class FineTuningServiceException : Exception
    {
        public FineTuningServiceException(string message, int statusCode, string? errorType, string? errorCode, string? param,
            string? requestId, string method, string path, int attempts, string? rawBody = null)
            : base(TerminalText.Safe(message))
        {
            StatusCode = statusCode;
            ErrorType = TerminalText.SafeOrNull(errorType);
            ErrorCode = TerminalText.SafeOrNull(errorCode);
            Param = TerminalText.SafeOrNull(param);
            RequestId = TerminalText.SafeOrNull(requestId);
            Method = method;
            Path = TerminalText.Safe(path);
            Attempts = attempts;
            RawBody = TerminalText.SafeOrNull(rawBody);
            Kind = Classify(statusCode, errorCode);
        }

        public int StatusCode { get; }
        /// <summary>The error's <c>type</c> (e.g. invalid_request_error).</summary>
        public string? ErrorType { get; }
        /// <summary>The error's <c>code</c> (e.g. invalid_api_key, rate_limit_exceeded).</summary>
        public string? ErrorCode { get; }
        /// <summary>The request field the error is about.</summary>
        public string? Param { get; }
        /// <summary>The service's request id (x-request-id or apim-request-id), to quote to support.</summary>
        public string? RequestId { get; }
        public string Method { get; }
        public string Path { get; }
        /// <summary>How many times the request was sent.</summary>
        public int Attempts { get; }
        /// <summary>The response body when it was not the error envelope (masked, shortened).</summary>
        public string? RawBody { get; }
        public ServiceErrorKind Kind { get; }

        public static ServiceErrorKind Classify(int status, string? code)
        {
            if (string.Equals(code, "insufficient_quota", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(code, "exceeded_quota", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(code, "quotaExceeded", StringComparison.OrdinalIgnoreCase))
                return ServiceErrorKind.QuotaExceeded;
            switch (status)
            {
                case 400: return ServiceErrorKind.BadRequest;
                case 401: return ServiceErrorKind.Authentication;
                case 403: return ServiceErrorKind.PermissionDenied;
                case 404: return ServiceErrorKind.NotFound;
                case 409: return ServiceErrorKind.Conflict;
                case 422: return ServiceErrorKind.UnprocessableEntity;
                case 429: return ServiceErrorKind.RateLimited;
                default: return status >= 500 ? ServiceErrorKind.ServerError : ServiceErrorKind.Other;
            }
        }
    }

    /// <summary>No answer came back: the connection failed, was dropped, or timed out.</summary>
    public class FineTuningTransportException : Exception
    {
        public FineTuningTransportException(string message, string method, string path, bool isTimeout, int attempts, Exception? inner)
            : base(TerminalText.Safe(message), inner)
        {
            Method = method;
            Path = TerminalText.Safe(path);
            IsTimeout = isTimeout;
            Attempts = attempts;
        }

        public string Method { get; }
        public string Path { get; }
        public bool IsTimeout { get; }
        public int Attempts { get; }
    }

    /// <summary>The service answered success but the body could not be read as the expected JSON.</summary>
    public class FineTuningProtocolException : Exception
    {
        public FineTuningProtocolException(string message, int statusCode, string? requestId, string method, string path, Exception? inner = null)
            : base(TerminalText.Safe(message), inner)
        {
            StatusCode = statusCode;
            RequestId = TerminalText.SafeOrNull(requestId);
            Method = method;
            Path = TerminalText.Safe(path);
        }

        public int StatusCode { get; }
        public string? RequestId { get; }
        public string Method { get; }
        public string Path { get; }
    }

    /// <summary>
    /// The service redirected a request where the module does not follow: to another origin (scheme, host and port), where
    /// the credential must not go, or too many times.
    /// </summary>
    public class FineTuningRedirectException : Exception
    {
        public FineTuningRedirectException(string message, string method, string path, int statusCode, Uri location, bool crossOrigin)
            : base(TerminalText.Safe(message))
        {
            Method = method;
            Path = TerminalText.Safe(path);
            StatusCode = statusCode;
            Location = TerminalText.Safe(location.GetLeftPart(UriPartial.Path));
            CrossOrigin = crossOrigin;
        }

        public string Method { get; }
        public string Path { get; }
        public int StatusCode { get; }
        /// <summary>Where the redirect pointed (without its query, which may carry a signature).</summary>
        public string Location { get; }
        /// <summary>True when the redirect pointed to another origin.</summary>
        public bool CrossOrigin { get; }
    }

    /// <summary>An answer was larger than the module reads for one answer (<see cref="FineTuningClient.MaxResponseBytes"/>).</summary>
    public class FineTuningResponseTooLargeException : FineTuningProtocolException
    {
        public FineTuningResponseTooLargeException(string message, int statusCode, string? requestId, string method, string path, long limit, long? contentLength)
            : base(message, statusCode, requestId, method, path)
        {
            Limit = limit;
            ContentLength = contentLength;
        }

        /// <summary>The most one answer may be, in bytes.</summary>
        public long Limit { get; }
        /// <summary>The size the service declared, when it declared one.</summary>
        public long? ContentLength { get; }
    }

    /// <summary>No connection is configured, or the configured one cannot be used as it is.</summary>
    public class FineTuningConnectionException : Exception
    {
        public FineTuningConnectionException(string message) : base(TerminalText.Safe(message)) { }
        public FineTuningConnectionException(string message, Exception inner) : base(TerminalText.Safe(message), inner) { }
    }

    /// <summary>A parameter's value breaks a rule of the service; <see cref="ArgumentException.ParamName"/> names the parameter.</summary>
    public sealed class ParameterValidationException : ArgumentException
    {
        public ParameterValidationException(string parameterName, string message, object? value = null)
            : base(message, parameterName)
        {
            Value = value;
        }

        public object? Value { get; }
    }
}
