using System;
using System.IO;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Turns what the core library throws into ErrorRecords with stable ids and categories.</summary>
    public static class ErrorMapping
    {
        /// <summary>
        /// The failures whose ErrorId, category and recommended action depend on their type alone, in the order they are
        /// tried (a more specific type before the type it derives from).
        /// </summary>
        private static readonly (Func<Exception, bool> Matches, string Id, ErrorCategory Category, string? Action)[] Rules =
        {
            (e => e is FineTuningTransportException t && t.IsTimeout, "Timeout", ErrorCategory.OperationTimeout,
                "Try again later, or raise the timeout with Connect-FineTuningService -TimeoutSec."),
            (e => e is FineTuningTransportException, "ConnectionFailed", ErrorCategory.ConnectionError,
                "Check the base URI and the network; Get-FineTuningConnection shows where requests go."),
            (e => e is FineTuningResponseTooLargeException, "ResponseTooLarge", ErrorCategory.LimitsExceeded,
                "Check the base URI: Get-FineTuningConnection shows where requests go."),
            (e => e is FineTuningProtocolException, "InvalidResponse", ErrorCategory.ProtocolError,
                "The service answered with something that is not the API's JSON; check the base URI."),
            (e => e is FineTuningRedirectException r && r.CrossOrigin, "CrossOriginRedirect", ErrorCategory.SecurityError,
                "Connect to the address the service redirects to, if you trust it, with Connect-FineTuningService."),
            (e => e is FineTuningRedirectException, "TooManyRedirects", ErrorCategory.ProtocolError, null),
            (e => e is FineTuningConnectionException, "InvalidConnection", ErrorCategory.InvalidArgument, null),
            (e => e is UnsafeFileNameException, "UnsafeFileName", ErrorCategory.InvalidData, "Pass -Path with a file name of your choosing."),
            (e => e is FileNotFoundException || e is DirectoryNotFoundException, "PathNotFound", ErrorCategory.ObjectNotFound, null),
            (e => e is UnauthorizedAccessException, "PathAccessDenied", ErrorCategory.PermissionDenied, null),
            (e => e is IOException, "IOError", ErrorCategory.ReadError, null),
            (e => e is NotSupportedException, "NotSupportedByService", ErrorCategory.NotImplemented, null),
            (e => e is ArgumentException, "InvalidArgument", ErrorCategory.InvalidArgument, null),
        };

        /// <param name="noun">What the target is (Job, File, Checkpoint...), used in ids such as JobNotFound.</param>
        public static ErrorRecord ToErrorRecord(Exception exception, object? target, string noun = "Object")
        {
            if (exception is AggregateException agg && agg.InnerExceptions.Count == 1)
                exception = agg.InnerExceptions[0];

            string id;
            ErrorCategory category;
            string? action = null;
            switch (exception)
            {
                case ParameterValidationException p:
                    id = "Invalid" + p.ParamName;
                    category = ErrorCategory.InvalidArgument;
                    target = p.Value ?? target;
                    break;
                case JobSpecException spec:
                    id = spec.Problem == JobSpecProblem.FileNotFound ? "JobSpecFileNotFound"
                        : spec.Problem == JobSpecProblem.NotOnTarget ? "SettingNotOnTarget" : "InvalidJobSpec";
                    category = spec.Problem == JobSpecProblem.FileNotFound ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument;
                    action = spec.Suggestion;
                    break;
                case FineTuningServiceException s:
                    (id, category, action) = Classify(s, noun);
                    break;
                case ObjectDisposedException disposed:
                    // The connection's HTTP client was closed under a running call (Stop-FineTuningEmulator,
                    // Disconnect-FineTuningService), typically a background wait outliving its emulator.
                    id = "ConnectionClosed";
                    category = ErrorCategory.ConnectionError;
                    action = "Start the emulator or connect again, then run the command again.";
                    exception = new FineTuningConnectionException(
                        "The connection was closed while the call was running (Stop-FineTuningEmulator and Disconnect-FineTuningService close it).", disposed);
                    break;
                default:
                    var rule = Array.Find(Rules, r => r.Matches(exception));
                    (id, category, action) = rule.Matches is null ? ("UnexpectedError", ErrorCategory.NotSpecified, null) : (rule.Id, rule.Category, rule.Action);
                    break;
            }

            var plain = PlainMessage(exception);
            var message = SecretMasker.Mask(plain);
            // The record keeps a masked copy of the exception: a service message that echoes a header
            // must not carry a key into $Error.
            var safe = message == plain ? exception : new InvalidOperationException(message);
            var record = new ErrorRecord(safe, id, category, target)
            {
                ErrorDetails = new ErrorDetails(message),
            };
            if (action != null) record.ErrorDetails.RecommendedAction = action;
            return record;
        }

        /// <summary>The message without the "(Parameter 'x')" tail .NET adds to argument errors: the ErrorId already names it.</summary>
        private static string PlainMessage(Exception exception)
        {
            var message = exception.Message;
            if (exception is ArgumentException a && a.ParamName != null)
            {
                var tail = $" (Parameter '{a.ParamName}')";
                if (message.EndsWith(tail, StringComparison.Ordinal)) message = message.Substring(0, message.Length - tail.Length);
            }
            return message;
        }

        private static (string, ErrorCategory, string?) Classify(FineTuningServiceException s, string noun)
        {
            switch (s.Kind)
            {
                case ServiceErrorKind.NotFound:
                    return (noun + "NotFound", ErrorCategory.ObjectNotFound, null);
                case ServiceErrorKind.Authentication:
                    return ("AuthenticationFailed", ErrorCategory.AuthenticationError,
                        "Check the API key or token: Connect-FineTuningService -ApiKey (Read-Host -AsSecureString).");
                case ServiceErrorKind.PermissionDenied:
                    return ("PermissionDenied", ErrorCategory.PermissionDenied, null);
                case ServiceErrorKind.RateLimited:
                    return ("RateLimited", ErrorCategory.LimitsExceeded,
                        "Wait and try again, or raise -MaxRetries with Connect-FineTuningService.");
                case ServiceErrorKind.QuotaExceeded:
                    return ("QuotaExceeded", ErrorCategory.QuotaExceeded, "Check the plan and billing of the account.");
                case ServiceErrorKind.ServerError:
                    return ("ServiceUnavailable", ErrorCategory.ResourceUnavailable, "The service failed; try again later.");
                case ServiceErrorKind.Conflict:
                    return ("Conflict", ErrorCategory.ResourceBusy, null);
                case ServiceErrorKind.UnprocessableEntity:
                    return ("InvalidData", ErrorCategory.InvalidData, null);
                case ServiceErrorKind.BadRequest when s.ErrorCode == "fileImportFailed":
                    // Azure could not download the content of a file import: the URL or its signature is at fault.
                    return ("FileImportFailed", ErrorCategory.ReadError,
                        "Check that the URL can be read by the service: the blob exists and the SAS token has read access and has not expired.");
                case ServiceErrorKind.BadRequest:
                    return ("InvalidRequest", ErrorCategory.InvalidArgument, null);
                default:
                    return ("ServiceError", ErrorCategory.NotSpecified, null);
            }
        }
    }
}
