using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Values out of any sensible range are reported as what they are, never as an overflow or silently clamped.</summary>
public class OutOfRangeTests
{
    [Theory]
    [InlineData("retry-after", "1e20")]
    [InlineData("retry-after", "Infinity")]
    [InlineData("retry-after", "1e300")]
    [InlineData("retry-after-ms", "1e300")]
    [InlineData("retry-after-ms", "Infinity")]
    [InlineData("x-ms-retry-after-ms", "1e20")]
    public async Task HugeRetryAfter_IsStillRateLimited_WithoutWaiting(string header, string value)
    {
        var options = new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(TestClient.Key), MaxRetries = 2 };
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.TooManyRequests, """{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""", (header, value))
            .Then(HttpStatusCode.OK, Payloads.SucceededJob), options);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal(ServiceErrorKind.RateLimited, ex.Kind);
        Assert.Empty(t.Delays);   // a wait beyond the cap is not taken
        Assert.Single(t.Handler.Requests);
    }

    [Theory]
    [InlineData("1e20")]
    [InlineData("Infinity")]
    [InlineData("99999999999999")]
    public void ServerDelay_ClampsInsteadOfOverflowing(string value)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("retry-after", value);
        var delay = RetryPolicy.ServerDelay(response.Headers, DateTimeOffset.UtcNow);
        Assert.True(delay > TimeSpan.FromDays(365));
        Assert.False(new RetryPolicy().ForResponse(0, 429, response.Headers, null, DateTimeOffset.UtcNow).Retry);
    }

    [Theory]
    [InlineData("created_at", "99999999999999")]
    [InlineData("created_at", "-99999999999999")]
    [InlineData("created_at", "1e300")]
    [InlineData("finished_at", "99999999999999")]
    [InlineData("trained_tokens", "1e30")]
    [InlineData("trained_tokens", "-1e30")]
    [InlineData("seed", "1e19")]
    public async Task OutOfRangeFieldOfAJob_IsAnInvalidResponseNamingTheField(string field, string value)
    {
        var json = System.Text.RegularExpressions.Regex.Replace(Payloads.SucceededJob, "\"" + field + "\"\\s*:\\s*[^,}\\n]+", "\"" + field + "\": " + value);
        Assert.Contains(value, json);
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, json));
        var ex = await Assert.ThrowsAsync<FineTuningProtocolException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Contains(field, ex.Message);
        Assert.Contains("out of range", ex.Message);
    }

    [Fact]
    public async Task LargeButRepresentableValues_StillRead()
    {
        var json = System.Text.RegularExpressions.Regex.Replace(Payloads.SucceededJob, "\"trained_tokens\"\\s*:\\s*[^,}\\n]+", "\"trained_tokens\": 9.0e15");
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, json));
        var job = await t.Client.Jobs.GetAsync("ftjob-1");
        Assert.Equal(9_000_000_000_000_000L, job.TrainedTokens);
    }
}
