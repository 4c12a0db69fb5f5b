using System.Net;
using System.Reflection;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>A service that echoes the key back in any field of its answer never gets it into an exception.</summary>
public class SecretEchoTests
{
    private const string Key = TestClient.Key;

    private static IEnumerable<string> TextProperties(Exception ex) =>
        ex.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.GetIndexParameters().Length == 0)
            .Select(p => (string?)p.GetValue(ex) ?? string.Empty);

    [Fact]
    public async Task KeyEchoedInEveryErrorField_IsMaskedInEveryProperty()
    {
        var body = "{\"error\":{\"message\":\"bad key " + Key + "\",\"type\":\"" + Key + "\",\"code\":\"" + Key + "\",\"param\":\"" + Key + "\"}}";
        var options = TestClient.Azure();
        options.MaxRetries = 0;
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.Unauthorized, body, ("apim-request-id", Key)), options);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal(ServiceErrorKind.Authentication, ex.Kind);
        Assert.Equal("****", ex.Param);
        Assert.Equal("****", ex.ErrorCode);
        Assert.Equal("****", ex.RequestId);
        foreach (var text in TextProperties(ex)) Assert.DoesNotContain(Key, text);
    }

    [Fact]
    public async Task KeyEchoedInABodyThatIsNotTheErrorJson_IsMaskedInTheRawBody()
    {
        var options = TestClient.Azure();
        options.MaxRetries = 0;
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.Forbidden, $"<html>api-key {Key} refused</html>"), options);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.NotNull(ex.RawBody);
        foreach (var text in TextProperties(ex)) Assert.DoesNotContain(Key, text);
    }

    [Fact]
    public async Task KeyEchoedInASuccessBodyThatIsNotJson_IsMaskedInTheProtocolError()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, $"not json {Key}", ("x-request-id", Key)));
        var ex = await Assert.ThrowsAsync<FineTuningProtocolException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        foreach (var text in TextProperties(ex)) Assert.DoesNotContain(Key, text);
    }

    [Fact]
    public async Task KeyInATransportFailure_IsMaskedInTheException()
    {
        var options = TestClient.Azure();
        options.MaxRetries = 0;
        using var t = new TestClient(new FakeHandler().Throw(new HttpRequestException("proxy refused api-key: " + Key)), options);
        var ex = await Assert.ThrowsAsync<FineTuningTransportException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Contains("****", ex.Message);
        foreach (var text in TextProperties(ex)) Assert.DoesNotContain(Key, text);
    }

    [Fact]
    public async Task ARedirectToAnotherOrigin_NamesNoKey_AndTheKeyGoesOnlyToTheOrigin()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Found, "{}", ("Location", "https://elsewhere.example.test/v1/fine_tuning/jobs/ftjob-1?key=" + Key));
        using var t = new TestClient(handler);
        var ex = await Assert.ThrowsAsync<FineTuningRedirectException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        var seen = Assert.Single(handler.Requests);
        Assert.Equal("api.openai.com", seen.Uri.Host);
        foreach (var text in TextProperties(ex)) Assert.DoesNotContain(Key, text);
    }

    [Fact]
    public async Task KeyInTheLastOfTooManyRedirects_IsMaskedInTheException()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Found, "{}", ("Location", "/v1/fine_tuning/jobs/ftjob-1?key=" + Key));
        using var t = new TestClient(handler);
        var ex = await Assert.ThrowsAsync<FineTuningRedirectException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.False(ex.CrossOrigin);
        foreach (var text in TextProperties(ex)) Assert.DoesNotContain(Key, text);
    }
}
