using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Commands;
using Xunit;

namespace FineTuning.Tests;

/// <summary>What a user sees of a failure: <see cref="ErrorMapping"/>'s ErrorId, category, target and recommended action.</summary>
public class ErrorRecordTests
{
    private static FineTuningServiceException Service(int status, string? code = null, string message = "The service said no.") =>
        new(message, status, "invalid_request_error", code, null, "req_1", "GET", "/v1/fine_tuning/jobs/ftjob-a", 1);

    public static TheoryData<Exception, string, ErrorCategory, string?> Failures => new()
    {
        { Service(404), "JobNotFound", ErrorCategory.ObjectNotFound, null },
        { Service(401), "AuthenticationFailed", ErrorCategory.AuthenticationError, "Check the API key or token: Connect-FineTuningService -ApiKey (Read-Host -AsSecureString)." },
        { Service(403), "PermissionDenied", ErrorCategory.PermissionDenied, null },
        { Service(409), "Conflict", ErrorCategory.ResourceBusy, null },
        { Service(422), "InvalidData", ErrorCategory.InvalidData, null },
        { Service(429), "RateLimited", ErrorCategory.LimitsExceeded, "Wait and try again, or raise -MaxRetries with Connect-FineTuningService." },
        { Service(429, "insufficient_quota"), "QuotaExceeded", ErrorCategory.QuotaExceeded, "Check the plan and billing of the account." },
        { Service(503), "ServiceUnavailable", ErrorCategory.ResourceUnavailable, "The service failed; try again later." },
        { Service(400), "InvalidRequest", ErrorCategory.InvalidArgument, null },
        { Service(400, "fileImportFailed"), "FileImportFailed", ErrorCategory.ReadError,
            "Check that the URL can be read by the service: the blob exists and the SAS token has read access and has not expired." },
        { Service(418), "ServiceError", ErrorCategory.NotSpecified, null },
        { new FineTuningTransportException("Timed out.", "GET", "/v1/models", isTimeout: true, 3, null), "Timeout", ErrorCategory.OperationTimeout,
            "Try again later, or raise the timeout with Connect-FineTuningService -TimeoutSec." },
        { new FineTuningTransportException("Refused.", "GET", "/v1/models", isTimeout: false, 3, null), "ConnectionFailed", ErrorCategory.ConnectionError,
            "Check the base URI and the network; Get-FineTuningConnection shows where requests go." },
        { new FineTuningResponseTooLargeException("Too large.", 200, null, "GET", "/v1/models", 100, 200), "ResponseTooLarge", ErrorCategory.LimitsExceeded,
            "Check the base URI: Get-FineTuningConnection shows where requests go." },
        { new FineTuningProtocolException("Not JSON.", 200, null, "GET", "/v1/models"), "InvalidResponse", ErrorCategory.ProtocolError,
            "The service answered with something that is not the API's JSON; check the base URI." },
        { new FineTuningRedirectException("Elsewhere.", "GET", "/v1/models", 302, new Uri("https://other.example/v1/models"), crossOrigin: true),
            "CrossOriginRedirect", ErrorCategory.SecurityError, "Connect to the address the service redirects to, if you trust it, with Connect-FineTuningService." },
        { new FineTuningRedirectException("Loop.", "GET", "/v1/models", 302, new Uri("https://api.openai.com/v1/models"), crossOrigin: false),
            "TooManyRedirects", ErrorCategory.ProtocolError, null },
        { new FineTuningConnectionException("Bad connection."), "InvalidConnection", ErrorCategory.InvalidArgument, null },
        { new UnsafeFileNameException("..", "Unusable name."), "UnsafeFileName", ErrorCategory.InvalidData, "Pass -Path with a file name of your choosing." },
        { new FileNotFoundException("No file."), "PathNotFound", ErrorCategory.ObjectNotFound, null },
        { new DirectoryNotFoundException("No folder."), "PathNotFound", ErrorCategory.ObjectNotFound, null },
        { new UnauthorizedAccessException("Denied."), "PathAccessDenied", ErrorCategory.PermissionDenied, null },
        { new IOException("Disk full."), "IOError", ErrorCategory.ReadError, null },
        { new NotSupportedException("Not here."), "NotSupportedByService", ErrorCategory.NotImplemented, null },
        { new ArgumentException("Bad value."), "InvalidArgument", ErrorCategory.InvalidArgument, null },
        { new InvalidOperationException("Odd."), "UnexpectedError", ErrorCategory.NotSpecified, null },
        { new ObjectDisposedException("HttpClient"), "ConnectionClosed", ErrorCategory.ConnectionError, "Start the emulator or connect again, then run the command again." },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_failure_has_its_ErrorId_category_and_recommended_action(Exception exception, string id, ErrorCategory category, string? action)
    {
        var record = ErrorMapping.ToErrorRecord(exception, "ftjob-a", "Job");
        Assert.Equal(id, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Equal(action ?? string.Empty, record.ErrorDetails.RecommendedAction ?? string.Empty);
        Assert.Equal("ftjob-a", record.TargetObject);
    }

    [Fact]
    public void Not_found_is_named_for_what_the_cmdlet_looked_for()
    {
        Assert.Equal("FileNotFound", ErrorMapping.ToErrorRecord(Service(404), "file-a", "File").FullyQualifiedErrorId);
        Assert.Equal("CheckpointNotFound", ErrorMapping.ToErrorRecord(Service(404), "ckpt", "Checkpoint").FullyQualifiedErrorId);
    }

    [Fact]
    public void A_bad_parameter_is_Invalid_and_its_name_with_the_bad_value_as_target()
    {
        var record = ErrorMapping.ToErrorRecord(new ParameterValidationException("Epochs", "-Epochs must be 1 to 50.", 99), null, "Job");
        Assert.Equal("InvalidEpochs", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Equal(99, record.TargetObject);
        Assert.Equal("-Epochs must be 1 to 50.", record.ErrorDetails.Message);
    }

    [Fact]
    public void A_job_spec_problem_keeps_the_specs_suggestion()
    {
        var missing = ErrorMapping.ToErrorRecord(new JobSpecException("job.psd1", null, "the spec file does not exist.", JobSpecProblem.FileNotFound), "job.psd1", "Job");
        Assert.Equal("JobSpecFileNotFound", missing.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        var target = ErrorMapping.ToErrorRecord(
            new JobSpecException("job.psd1", "Model", "Azure names models differently.", JobSpecProblem.NotOnTarget, "Set Model = 'gpt-4o-mini' in the spec."), "job.psd1", "Job");
        Assert.Equal("SettingNotOnTarget", target.FullyQualifiedErrorId);
        Assert.Equal("Set Model = 'gpt-4o-mini' in the spec.", target.ErrorDetails.RecommendedAction);
        Assert.Equal("InvalidJobSpec", ErrorMapping.ToErrorRecord(new JobSpecException("job.psd1", "Epochs", "too many."), null, "Job").FullyQualifiedErrorId);
    }

    [Fact]
    public void A_single_failure_inside_an_AggregateException_is_mapped_as_itself()
    {
        var record = ErrorMapping.ToErrorRecord(new AggregateException(Service(404)), "ftjob-a", "Job");
        Assert.Equal("JobNotFound", record.FullyQualifiedErrorId);
    }

    [Fact]
    public void A_closed_connection_says_so_in_words_a_user_knows()
    {
        var record = ErrorMapping.ToErrorRecord(new ObjectDisposedException("System.Net.Http.HttpClient"), null, "Job");
        var exception = Assert.IsType<FineTuningConnectionException>(record.Exception);
        Assert.Contains("Stop-FineTuningEmulator", exception.Message);
        Assert.DoesNotContain("HttpClient", record.ErrorDetails.Message);
    }

    [Fact]
    public void The_argument_tail_dotnet_adds_is_left_out_of_the_message()
    {
        var record = ErrorMapping.ToErrorRecord(new ArgumentException("The suffix is too long.", "Suffix"), null, "Job");
        Assert.Equal("The suffix is too long.", record.ErrorDetails.Message);
    }

    [Fact]
    public void No_field_of_the_record_carries_a_key_the_failure_quoted()
    {
        const string key = "sk-proj-abcdefghijklmnop0123456789";
        var failures = new Exception[]
        {
            new InvalidOperationException($"Header was 'Authorization: Bearer {key}'."),
            new IOException($"Could not write {key}.txt"),
            new ArgumentException($"api-key: {key}", "ApiKey"),
        };
        foreach (var failure in failures)
        {
            var record = ErrorMapping.ToErrorRecord(failure, "target", "Job");
            foreach (var text in new[] { record.Exception.Message, record.Exception.ToString(), record.ErrorDetails.Message, record.ToString() })
                Assert.DoesNotContain("abcdefghijklmnop", text);
            Assert.NotSame(failure, record.Exception);
        }
    }

    [Fact]
    public void A_clean_failure_keeps_its_own_exception()
    {
        var failure = new IOException("Disk full.");
        Assert.Same(failure, ErrorMapping.ToErrorRecord(failure, null, "File").Exception);
    }
}
