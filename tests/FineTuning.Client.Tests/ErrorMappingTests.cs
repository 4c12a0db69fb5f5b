using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>What a user learns from a failed call, and that the key never shows in it.</summary>
public class ErrorMappingTests
{
    private const string Key = TestClient.Key;

    private static TestClient NoRetries(FakeHandler handler, ConnectionOptions? options = null)
    {
        options ??= new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(Key) };
        options.MaxRetries = 0;
        return new TestClient(handler, options);
    }

    [Fact]
    public async Task OpenAIEnvelope_KeepsStatusTypeCodeParamMessageAndRequestId()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.NotFound,
            """{"error":{"message":"No such File object: file-abc","type":"invalid_request_error","param":"id","code":"file_not_found"}}""",
            ("x-request-id", "req_abc123")));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Files.GetAsync("file-abc"));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal("file_not_found", ex.ErrorCode);
        Assert.Equal("id", ex.Param);
        Assert.Equal("No such File object: file-abc", ex.Message);
        Assert.Equal("req_abc123", ex.RequestId);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("/files/file-abc", ex.Path);
        Assert.Equal(ServiceErrorKind.NotFound, ex.Kind);
        Assert.Null(ex.RawBody);
    }

    [Fact]
    public async Task AzureEnvelope_UsesTargetAsParam_AndApimRequestId()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.BadRequest,
            """{"error":{"code":"invalidPayload","message":"The specified base model does not support fine-tuning.","target":"model","innererror":{"code":"modelNotFound"}}}""",
            ("apim-request-id", "6d1c-44")));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() =>
            t.Client.Jobs.CreateAsync(new CreateJobRequest { Model = "gpt-x", TrainingFile = "file-1" }));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalidPayload", ex.ErrorCode);
        Assert.Equal("model", ex.Param);
        Assert.Null(ex.ErrorType);
        Assert.Equal("6d1c-44", ex.RequestId);
        Assert.Equal("POST", ex.Method);
        Assert.Equal(ServiceErrorKind.BadRequest, ex.Kind);
        Assert.Equal("The specified base model does not support fine-tuning.", ex.Message);
    }

    [Theory]
    [InlineData(401, ServiceErrorKind.Authentication)]
    [InlineData(403, ServiceErrorKind.PermissionDenied)]
    [InlineData(409, ServiceErrorKind.Conflict)]
    [InlineData(422, ServiceErrorKind.UnprocessableEntity)]
    [InlineData(429, ServiceErrorKind.RateLimited)]
    [InlineData(503, ServiceErrorKind.ServerError)]
    [InlineData(418, ServiceErrorKind.Other)]
    public async Task Status_IsClassified(int status, ServiceErrorKind kind)
    {
        using var t = NoRetries(new FakeHandler().Then((HttpStatusCode)status, """{"error":{"message":"m","type":"t","param":null,"code":null}}"""));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal(kind, ex.Kind);
        Assert.Null(ex.ErrorCode);
        Assert.Null(ex.Param);
    }

    [Fact]
    public async Task NonJsonErrorBody_IsKeptAsRawText()
    {
        const string html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        using var t = NoRetries(new FakeHandler().Then(_ =>
        {
            var r = FakeHandler.Respond(HttpStatusCode.BadGateway, html);
            r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/html");
            return r;
        }));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal(502, ex.StatusCode);
        Assert.Equal(html, ex.RawBody);
        Assert.Null(ex.ErrorCode);
        Assert.Contains("not the service's error JSON", ex.Message);
        Assert.Contains("502 Bad Gateway", ex.Message);
    }

    [Fact]
    public async Task JsonThatIsNotTheEnvelope_IsKeptAsRawText()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.BadRequest, """{"detail":"Not Found"}"""));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal("""{"detail":"Not Found"}""", ex.RawBody);
        Assert.Contains("Not Found", ex.Message);
    }

    [Fact]
    public async Task EmptyErrorBody_SaysTheStatus()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.NotFound, ""));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal("The service answered 404 Not Found.", ex.Message);
        Assert.Null(ex.RawBody);
    }

    [Fact]
    public async Task NumericErrorCode_IsKeptAsText()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.BadRequest, """{"error":{"message":"bad","type":"x","param":null,"code":1234}}"""));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal("1234", ex.ErrorCode);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("null")]
    [InlineData("""{"id": 12, "status": ["x"]}""")]
    public async Task SuccessWithABodyThatIsNotAJob_IsAProtocolError(string body)
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.OK, body, ("x-request-id", "req_p")));
        var ex = await Assert.ThrowsAsync<FineTuningProtocolException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal("req_p", ex.RequestId);
        Assert.Equal("/fine_tuning/jobs/ftjob-1", ex.Path);
        Assert.Contains("not the expected JSON", ex.Message);
        Assert.Contains(body.Substring(0, Math.Min(body.Length, 10)), ex.Message);
    }

    [Fact]
    public async Task KeyEchoedInAnErrorMessage_IsMasked()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.Unauthorized,
            $$$"""{"error":{"message":"Incorrect API key provided: {{{Key}}}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal("invalid_api_key", ex.ErrorCode);
        Assert.Equal(ServiceErrorKind.Authentication, ex.Kind);
        Assert.StartsWith("Incorrect API key provided: ", ex.Message);
        Assert.DoesNotContain(Key, ex.ToString());
        Assert.DoesNotContain("1234567890abcdef", ex.Message);
    }

    [Fact]
    public async Task KeyEchoedInARawBody_IsMaskedInMessageAndRawBody()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.Forbidden, $"proxy rejected Authorization: Bearer {Key}"));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.DoesNotContain(Key, ex.Message);
        Assert.DoesNotContain(Key, ex.RawBody);
        Assert.Contains("proxy rejected", ex.RawBody);
    }

    [Fact]
    public async Task KeyInASuccessBodyThatIsNotJson_IsMasked()
    {
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.OK, $"debug: key={Key}"));
        var ex = await Assert.ThrowsAsync<FineTuningProtocolException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.DoesNotContain(Key, ex.ToString());
    }

    [Fact]
    public async Task KeyInATransportFailure_IsMasked()
    {
        using var t = NoRetries(new FakeHandler().Throw(new HttpRequestException($"proxy error for header Authorization: Bearer {Key}")));
        var ex = await Assert.ThrowsAsync<FineTuningTransportException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.DoesNotContain(Key, ex.Message);
        Assert.Contains("proxy error", ex.Message);
    }

    [Fact]
    public async Task AzureKeyOfAnyShape_IsMaskedWhenEchoed()
    {
        const string azureKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
        var options = new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri("https://res.openai.azure.com"),
            ApiKey = FineTuningConnection.ToSecureString(azureKey),
        };
        using var t = NoRetries(new FakeHandler().Then(HttpStatusCode.Unauthorized,
            $$$"""{"error":{"code":"401","message":"Access denied due to invalid subscription key {{{azureKey}}}."}}"""), options);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Contains("Access denied", ex.Message);
        Assert.DoesNotContain(azureKey, ex.Message);
    }

    [Fact]
    public async Task Logs_NeverCarryTheKey()
    {
        var log = new RecordingLog();
        ClientLog.Current = log;
        try
        {
            using var t = new TestClient(new FakeHandler()
                .Then(HttpStatusCode.InternalServerError, $"oops {Key}")
                .Then(HttpStatusCode.OK, Payloads.Job("ftjob-1")));
            await t.Client.Jobs.CreateAsync(new CreateJobRequest { Model = "m", TrainingFile = "f", Suffix = Key });
        }
        finally
        {
            ClientLog.Current = null;
        }
        Assert.NotEmpty(log.Verboses);
        Assert.NotEmpty(log.Debugs);
        Assert.Contains(log.Debugs, m => m.StartsWith("Request body:"));
        Assert.All(log.All, m => Assert.DoesNotContain(Key, m));
    }
}
