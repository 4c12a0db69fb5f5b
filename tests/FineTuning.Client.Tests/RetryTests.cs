using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>The retry policy as a user meets it: through calls against a scripted server, never really sleeping.</summary>
public class RetryTests
{
    private static readonly string Ok = Payloads.Job("ftjob-ok");

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Theory]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task RetryableStatus_IsRetriedWithBackoff_ThenSucceeds(int status)
    {
        using var t = new TestClient(new FakeHandler()
            .Then((HttpStatusCode)status, """{"error":{"message":"busy","type":"server_error","param":null,"code":null}}""")
            .Then((HttpStatusCode)status, "{}")
            .Then(HttpStatusCode.OK, Ok));
        var job = await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal("ftjob-ok", job.Id);
        Assert.Equal(3, t.Handler.Requests.Count);
        Assert.Equal(new[] { S(0.5), S(1.0) }, t.Delays);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task ClientErrorStatus_IsNotRetried(int status)
    {
        using var t = new TestClient(new FakeHandler().Then((HttpStatusCode)status,
            """{"error":{"message":"nope","type":"invalid_request_error","param":null,"code":null}}""").Then(HttpStatusCode.OK, Ok));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(1, ex.Attempts);
        Assert.Single(t.Handler.Requests);
        Assert.Empty(t.Delays);
    }

    [Fact]
    public async Task DefaultPolicy_MakesThreeAttempts_ThenReportsTheLastError()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.InternalServerError,
            """{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""",
            ("x-request-id", "req_500")));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.Equal(3, t.Handler.Requests.Count);
        Assert.Equal(3, ex.Attempts);
        Assert.Equal(ServiceErrorKind.ServerError, ex.Kind);
        Assert.Equal("req_500", ex.RequestId);
        Assert.Contains("after 3 attempts", ex.Message);
        Assert.Equal(new[] { S(0.5), S(1.0) }, t.Delays);
    }

    [Theory]
    [InlineData(0, new double[0])]
    [InlineData(1, new[] { 0.5 })]
    [InlineData(6, new[] { 0.5, 1, 2, 4, 8, 8 })]
    public async Task MaxRetries_IsConfigurable_AndBackoffDoublesUpToEightSeconds(int maxRetries, double[] expectedDelays)
    {
        var options = new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(TestClient.Key), MaxRetries = maxRetries };
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.ServiceUnavailable, "{}"), options);
        Assert.Equal(maxRetries, t.Client.Retry.MaxRetries);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.Equal(maxRetries + 1, t.Handler.Requests.Count);
        Assert.Equal(maxRetries + 1, ex.Attempts);
        Assert.Equal(expectedDelays.Select(S), t.Delays);
    }

    [Fact]
    public void Backoff_JitterTakesAtMostAQuarterOff()
    {
        var low = new RetryPolicy(10, () => 0.0);
        var high = new RetryPolicy(10, () => 0.999999);
        double[] bases = { 0.5, 1, 2, 4, 8, 8, 8 };
        for (var n = 0; n < bases.Length; n++)
        {
            Assert.Equal(bases[n], low.Backoff(n).TotalSeconds, 9);
            Assert.InRange(high.Backoff(n).TotalSeconds, bases[n] * 0.75, bases[n] * 0.7501);
        }
        // The default random source stays inside the same bounds.
        var real = new RetryPolicy();
        for (var i = 0; i < 200; i++) Assert.InRange(real.Backoff(1).TotalSeconds, 0.75, 1.0);
    }

    [Fact]
    public async Task RetryAfterMs_IsPreferredOverRetryAfter()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.TooManyRequests, "{}", ("retry-after-ms", "1500"), ("retry-after", "30"))
            .Then(HttpStatusCode.OK, Ok));
        await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(1500) }, t.Delays);
    }

    [Fact]
    public async Task AzureRetryAfterMs_IsHonoured()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.TooManyRequests, "{}", ("x-ms-retry-after-ms", "750"))
            .Then(HttpStatusCode.OK, Ok));
        await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(750) }, t.Delays);
    }

    [Theory]
    [InlineData("3", 3.0)]
    [InlineData("0.25", 0.25)]
    [InlineData("120", 120.0)]
    public async Task RetryAfterSeconds_IsHonoured(string header, double seconds)
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.TooManyRequests, "{}", ("retry-after", header))
            .Then(HttpStatusCode.OK, Ok));
        await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal(new[] { S(seconds) }, t.Delays);
    }

    [Fact]
    public async Task RetryAfterHttpDate_IsMeasuredFromNow()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.ServiceUnavailable, "{}", ("retry-after", "Sat, 01 Mar 2025 12:00:20 GMT"))
            .Then(HttpStatusCode.OK, Ok));
        t.Now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal(new[] { S(20) }, t.Delays);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("Sat, 01 Mar 2025 11:59:00 GMT")] // already past
    public async Task UnusableRetryAfter_FallsBackToBackoff(string header)
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.TooManyRequests, "{}", ("retry-after", header))
            .Then(HttpStatusCode.OK, Ok));
        await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal(new[] { S(0.5) }, t.Delays);
    }

    [Theory]
    [InlineData("retry-after", "121")]
    [InlineData("retry-after-ms", "600000")]
    [InlineData("retry-after", "Sat, 01 Mar 2025 12:05:00 GMT")]
    public async Task ServerDelayOverTheCap_IsNotWaitedFor_AndTheErrorSurfaces(string header, string value)
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.TooManyRequests,
                """{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}""", (header, value))
            .Then(HttpStatusCode.OK, Ok));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("rate_limit_exceeded", ex.ErrorCode);
        Assert.Equal(ServiceErrorKind.RateLimited, ex.Kind);
        Assert.Single(t.Handler.Requests);
        Assert.Empty(t.Delays);
    }

    [Fact]
    public async Task XShouldRetryFalse_StopsARetryableStatus()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.InternalServerError, "{}", ("x-should-retry", "false"))
            .Then(HttpStatusCode.OK, Ok));
        await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.Single(t.Handler.Requests);
    }

    [Fact]
    public async Task XShouldRetryTrue_RetriesAStatusThatIsNormallyFinal()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.BadRequest, "{}", ("x-should-retry", "true"))
            .Then(HttpStatusCode.OK, Ok));
        var job = await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal("ftjob-ok", job.Id);
        Assert.Equal(2, t.Handler.Requests.Count);
    }

    [Fact]
    public async Task InsufficientQuota429_IsNotRetried()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.TooManyRequests,
                """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""")
            .Then(HttpStatusCode.OK, Ok));
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.Single(t.Handler.Requests);
        Assert.Equal(ServiceErrorKind.QuotaExceeded, ex.Kind);
        Assert.Equal("insufficient_quota", ex.ErrorCode);
        Assert.Equal(1, ex.Attempts);
    }

    [Fact]
    public async Task ConnectionFailure_IsRetried_ThenSucceeds()
    {
        using var t = new TestClient(new FakeHandler()
            .Throw(new HttpRequestException("Connection refused (api.openai.com:443)"))
            .Then(HttpStatusCode.OK, Ok));
        var job = await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal("ftjob-ok", job.Id);
        Assert.Equal(new[] { S(0.5) }, t.Delays);
    }

    [Fact]
    public async Task ConnectionFailure_EveryTime_BecomesTransportException()
    {
        using var t = new TestClient(new FakeHandler().Throw(new HttpRequestException("Connection refused", new IOException("socket closed"))));
        var ex = await Assert.ThrowsAsync<FineTuningTransportException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.Equal(3, t.Handler.Requests.Count);
        Assert.Equal(3, ex.Attempts);
        Assert.False(ex.IsTimeout);
        Assert.Equal("GET", ex.Method);
        Assert.Contains("https://api.openai.com", ex.Message);
        Assert.Contains("socket closed", ex.Message);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task Cancellation_DuringBackoff_StopsWithoutFurtherAttempts()
    {
        using var cts = new CancellationTokenSource();
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.ServiceUnavailable, "{}"));
        t.OnDelay = (d, ct) =>
        {
            cts.Cancel();
            return Task.Delay(d, ct); // the real wait, now cancelled
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.Client.Jobs.GetAsync("ftjob-x", cts.Token));
        Assert.Single(t.Handler.Requests);
        Assert.Single(t.Delays);
    }

    [Fact]
    public async Task Cancellation_BeforeTheCall_SendsNothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Ok));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.Client.Jobs.GetAsync("ftjob-x", cts.Token));
        Assert.Empty(t.Handler.Requests);
    }

    [Fact]
    public async Task Cancellation_WhileWaitingForTheServer_IsNotTakenForATimeout()
    {
        using var cts = new CancellationTokenSource();
        using var t = new TestClient(new FakeHandler().Then(async (_, ct) =>
        {
            cts.Cancel();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.Client.Jobs.GetAsync("ftjob-x", cts.Token));
        Assert.Single(t.Handler.Requests);
        Assert.Empty(t.Delays);
    }

    [Fact]
    public async Task PerAttemptTimeout_IsRetried_ThenReportedAsTimeout()
    {
        var options = new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(TestClient.Key), Timeout = TimeSpan.FromMilliseconds(50) };
        using var t = new TestClient(new FakeHandler().Then(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }), options);
        var ex = await Assert.ThrowsAsync<FineTuningTransportException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        Assert.True(ex.IsTimeout);
        Assert.Equal(3, ex.Attempts);
        Assert.Equal(3, t.Handler.Requests.Count);
        Assert.Contains("timed out", ex.Message);
    }

    [Fact]
    public async Task PerAttemptTimeout_AppliesToEachAttemptSeparately()
    {
        var options = new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(TestClient.Key), Timeout = TimeSpan.FromMilliseconds(50) };
        using var t = new TestClient(new FakeHandler()
            .Then(async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            })
            .Then(HttpStatusCode.OK, Ok), options);
        var job = await t.Client.Jobs.GetAsync("ftjob-ok");
        Assert.Equal("ftjob-ok", job.Id);
        Assert.Equal(2, t.Handler.Requests.Count);
    }

    [Fact]
    public async Task RetriedRequests_CarryTheRetryCount_AndTheSameBody()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.BadGateway, "<html>bad gateway</html>")
            .Then(HttpStatusCode.ServiceUnavailable, "{}")
            .Then(HttpStatusCode.OK, Ok));
        await t.Client.Jobs.CreateAsync(new CreateJobRequest { Model = "gpt-4o-mini", TrainingFile = "file-abc" });
        var r = t.Handler.Requests;
        Assert.Equal(3, r.Count);
        Assert.Null(r[0].Header("x-stainless-retry-count"));
        Assert.Equal("1", r[1].Header("x-stainless-retry-count"));
        Assert.Equal("2", r[2].Header("x-stainless-retry-count"));
        Assert.Equal("""{"model":"gpt-4o-mini","training_file":"file-abc"}""", r[0].BodyText);
        Assert.All(r, x => Assert.Equal(r[0].BodyText, x.BodyText));
    }

    [Fact]
    public async Task Retries_AreReportedOnTheVerboseStream_NotAsWarnings()
    {
        // A retry is normal operation: a script's log must not fill with warnings for it.
        var log = new RecordingLog();
        ClientLog.Current = log;
        try
        {
            using var t = new TestClient(new FakeHandler()
                .Then(HttpStatusCode.TooManyRequests, "{}", ("retry-after", "2"))
                .Throw(new HttpRequestException("connection reset"))
                .Then(HttpStatusCode.OK, Ok));
            await t.Client.Jobs.GetAsync("ftjob-ok");
        }
        finally
        {
            ClientLog.Current = null;
        }
        Assert.Empty(log.Warnings);
        var retries = log.Verboses.Where(v => v.Contains("retry ")).ToList();
        Assert.Equal(2, retries.Count);
        Assert.Contains("429", retries[0]);
        Assert.Contains("retry 1 of 2", retries[0]);
        Assert.Contains("in 2 s", retries[0]);
        Assert.Contains("connection reset", retries[1]);
        Assert.Contains("retry 2 of 2", retries[1]);
    }
}

public sealed class RecordingLog : IClientLog
{
    public List<string> Verboses { get; } = new();
    public List<string> Debugs { get; } = new();
    public List<string> Warnings { get; } = new();
    public IEnumerable<string> All => Verboses.Concat(Debugs).Concat(Warnings);
    public void Verbose(string message) => Verboses.Add(message);
    public void Debug(string message) => Debugs.Add(message);
    public void Warning(string message) => Warnings.Add(message);
}
