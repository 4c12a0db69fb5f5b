using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Redirects are followed only within the origin connected to, so a credential never reaches another origin.</summary>
public class RedirectTests
{
    private static TestClient AzureClient(FakeHandler handler)
    {
        var options = TestClient.Azure();
        options.MaxRetries = 0;
        return new TestClient(handler, options);
    }

    [Theory]
    [InlineData("https://evil.example.com/openai/v1/fine_tuning/jobs/ftjob-1")]   // another host
    [InlineData("https://res.openai.azure.com:8443/openai/v1/fine_tuning/jobs/ftjob-1")] // another port
    [InlineData("http://res.openai.azure.com/openai/v1/fine_tuning/jobs/ftjob-1")]  // another scheme
    [InlineData("//evil.example.com/x")]                                               // scheme-relative
    public async Task RedirectToAnotherOrigin_IsRefused_AndNotFollowed(string location)
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Found, "", ("Location", location));
        using var t = AzureClient(handler);
        var ex = await Assert.ThrowsAsync<FineTuningRedirectException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.True(ex.CrossOrigin);
        Assert.Contains("another origin", ex.Message);
        Assert.Contains("https://res.openai.azure.com", ex.Message);
        Assert.Single(handler.Requests); // nothing was sent to the other origin
    }

    [Fact]
    public async Task RedirectWithinTheOrigin_IsFollowed_WithTheCredential()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.TemporaryRedirect, "", ("Location", "/openai/v1/fine_tuning/jobs/ftjob-moved"))
            .Then(HttpStatusCode.OK, Payloads.SucceededJob);
        using var t = AzureClient(handler);
        var job = await t.Client.Jobs.GetAsync("ftjob-1");
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("/openai/v1/fine_tuning/jobs/ftjob-moved", handler.Requests[1].Uri.AbsolutePath);
        Assert.Equal(TestClient.Key, handler.Requests[1].Header("api-key"));
        Assert.NotNull(job);
    }

    [Fact]
    public async Task SeeOther_AfterAPost_IsFollowedWithAGet()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.SeeOther, "", ("Location", "https://res.openai.azure.com/openai/v1/fine_tuning/jobs/ftjob-1"))
            .Then(HttpStatusCode.OK, Payloads.SucceededJob);
        using var t = AzureClient(handler);
        await t.Client.Jobs.CancelAsync("ftjob-1");
        Assert.Equal(HttpMethod.Post, handler.Requests[0].Method);
        Assert.Equal(HttpMethod.Get, handler.Requests[1].Method);
    }

    [Fact]
    public async Task EndlessRedirectsWithinTheOrigin_StopAfterTheLimit()
    {
        var handler = new FakeHandler();
        for (var i = 0; i < 20; i++) handler.Then(HttpStatusCode.Found, "", ("Location", $"/openai/v1/loop/{i}"));
        using var t = AzureClient(handler);
        var ex = await Assert.ThrowsAsync<FineTuningRedirectException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.False(ex.CrossOrigin);
        Assert.Equal(FineTuningClient.MaxRedirects + 1, handler.Requests.Count);
    }

    [Theory]
    [InlineData("https://a.example.com/x", "https://A.EXAMPLE.com:443/y", true)]
    [InlineData("https://a.example.com/x", "https://a.example.com:444/y", false)]
    [InlineData("http://127.0.0.1:5000/x", "http://127.0.0.1:5001/x", false)]
    [InlineData("http://127.0.0.1:5000/x", "http://localhost:5000/x", false)]
    public void SameOrigin_ComparesSchemeHostAndPort(string a, string b, bool same) =>
        Assert.Equal(same, FineTuningClient.SameOrigin(new Uri(a), new Uri(b)));
}
