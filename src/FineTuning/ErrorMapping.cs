using System;
using System.IO;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Turns what the core library throws into ErrorRecords with stable ids and categories.</summary>
    public static class ErrorMapping
    {
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
                case FineTuningTransportException t when t.IsTimeout:
                    id = "Timeout";
                    category = ErrorCategory.OperationTimeout;
                    action = "Try again later, or raise the timeout with Connect-FineTuningService -TimeoutSec.";
                    break;
                case FineTuningTransportException _:
                    id = "ConnectionFailed";
                    category = ErrorCategory.ConnectionError;
                    action = "Check the base URI and the network; Get-FineTuningConnection shows where requests go.";
                    break;
                case FineTuningResponseTooLargeException _:
                    id = "ResponseTooLarge";
                    category = ErrorCategory.LimitsExceeded;
                    action = "Check the base URI: Get-FineTuningConnection shows where requests go.";
                    break;
                case FineTuningProtocolException _:
                    id = "InvalidResponse";
                    category = ErrorCategory.ProtocolError;
                    action = "The service answered with something that is not the API's JSON; check the base URI.";
                    break;
                case FineTuningRedirectException r when r.CrossOrigin:
                    id = "CrossOriginRedirect";
                    category = ErrorCategory.SecurityError;
                    action = "Connect to the address the service redirects to, if you trust it, with Connect-FineTuningService.";
                    break;
                case FineTuningRedirectException _:
                    id = "TooManyRedirects";
                    category = ErrorCategory.ProtocolError;
                    break;
                case FineTuningConnectionException _:
                    id = "InvalidConnection";
                    category = ErrorCategory.InvalidArgument;
                    break;
                case UnsafeFileNameException _:
                    id = "UnsafeFileName";
                    category = ErrorCategory.InvalidData;
                    action = "Pass -Path with a file name of your choosing.";
                    break;
                case FileNotFoundException _:
                case DirectoryNotFoundException _:
                    id = "PathNotFound";
                    category = ErrorCategory.ObjectNotFound;
                    break;
                case UnauthorizedAccessException _:
                    id = "PathAccessDenied";
                    category = ErrorCategory.PermissionDenied;
                    break;
                case IOException _:
                    id = "IOError";
                    category = ErrorCategory.ReadError;
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
                case NotSupportedException _:
                    id = "NotSupportedByService";
                    category = ErrorCategory.NotImplemented;
                    break;
                case ArgumentException _:
                    id = "InvalidArgument";
                    category = ErrorCategory.InvalidArgument;
                    break;
                default:
                    id = "UnexpectedError";
                    category = ErrorCategory.NotSpecified;
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
