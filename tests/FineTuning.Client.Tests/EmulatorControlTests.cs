using System.Net;
using System.Text.Json;
using FineTuning.Client;
using Xunit;

namespace FineTuning.Client.Tests;

public class EmulatorControlTests
{
    private static ConnectionOptions Local(string baseUri = "http://127.0.0.1:5080/v1") => new ConnectionOptions
    {
        Kind = ServiceKind.Compatible,
        BaseUri = new Uri(baseUri),
        ApiKey = FineTuningConnection.ToSecureString(TestClient.Key),
    };

    [Fact]
    public async Task Faults_go_to_the_control_path_at_the_root_of_the_origin_with_the_key()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.OK, """{"object":"emulator.fault","pending":1}""");
        using var t = new TestClient(handler, Local("http://127.0.0.1:5080/v1"));
        var pending = await t.Client.Emulator.AddFaultAsync(new EmulatorFault
        {
            StatusCode = 429, Count = 2, Method = "GET", Path = "/files", RetryAfter = TimeSpan.FromSeconds(1.5),
            Latency = TimeSpan.FromMilliseconds(20), DropConnection = true, Body = "nope",
        });
        Assert.Equal(1, pending);
        var seen = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, seen.Method);
        Assert.Equal("http://127.0.0.1:5080/_emulator/faults", seen.Uri.AbsoluteUri);
        Assert.Equal("Bearer " + TestClient.Key, seen.Header("Authorization"));
        using var body = JsonDocument.Parse(seen.Body);
        var root = body.RootElement;
        Assert.Equal(429, root.GetProperty("status").GetInt32());
        Assert.Equal(2, root.GetProperty("count").GetInt32());
        Assert.Equal("GET", root.GetProperty("method").GetString());
        Assert.Equal("/files", root.GetProperty("path").GetString());
        Assert.Equal("nope", root.GetProperty("body").GetString());
        Assert.True(root.GetProperty("drop_connection").GetBoolean());
        Assert.Equal(1.5, root.GetProperty("retry_after_seconds").GetDouble());
        Assert.Equal(20, root.GetProperty("latency_ms").GetDouble());
    }

    [Fact]
    public async Task Azure_connections_to_a_local_emulator_use_the_same_root_paths_without_api_version()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.OK, """{"object":"emulator.clock","now":1700003600}""");
        var options = new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri("http://127.0.0.1:6000/"),
            ApiVersion = "2024-10-21",
            ApiKey = FineTuningConnection.ToSecureString(TestClient.Key),
        };
        using var t = new TestClient(handler, options);
        var now = await t.Client.Emulator.AdvanceClockAsync(TimeSpan.FromHours(1));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700003600), now);
        var seen = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:6000/_emulator/clock/advance", seen.Uri.AbsoluteUri);
        Assert.Equal(TestClient.Key, seen.Header("api-key"));
        Assert.Equal(3600, JsonDocument.Parse(seen.Body).RootElement.GetProperty("seconds").GetDouble());
    }

    [Fact]
    public async Task The_public_service_and_remote_Azure_resources_are_never_sent_control_requests()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.OK, """{"object":"emulator.fault","pending":0}""");
        using (var openai = new TestClient(handler))
        {
            var e = await Assert.ThrowsAsync<NotAnEmulatorException>(() => openai.Client.Emulator.ClearFaultsAsync());
            Assert.Contains("api.openai.com", e.Message);
        }
        using (var azure = new TestClient(handler, TestClient.Azure()))
        {
            await Assert.ThrowsAsync<NotAnEmulatorException>(() => azure.Client.Emulator.ClearFaultsAsync());
        }
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, """{"error":{"message":"Invalid URL (POST /_emulator/clock/advance)"}}""")]
    [InlineData(HttpStatusCode.MethodNotAllowed, "")]
    [InlineData(HttpStatusCode.OK, "<html>a web server</html>")]
    [InlineData(HttpStatusCode.OK, """{"object":"list","data":[]}""")]
    public async Task A_server_that_is_not_an_emulator_is_named_as_such(HttpStatusCode status, string body)
    {
        var handler = new FakeHandler().Then(status, body);
        using var t = new TestClient(handler, Local("http://127.0.0.1:7000/v1"));
        var e = await Assert.ThrowsAsync<NotAnEmulatorException>(() => t.Client.Emulator.AdvanceClockAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("http://127.0.0.1:7000 is not a FineTuning emulator", e.Message);
        Assert.DoesNotContain(TestClient.Key, e.Message);
    }

    [Fact]
    public async Task The_emulators_own_refusals_stay_service_errors()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.BadRequest,
            """{"error":{"message":"Step must be at least 1.","type":"invalid_request_error","param":"step","code":null}}""");
        using var t = new TestClient(handler, Local());
        var e = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Emulator.FailJobAtStepAsync("ftjob-1", 0, "server_error", "x"));
        Assert.Equal("step", e.Param);
    }

    [Fact]
    public async Task A_negative_clock_move_is_refused_before_sending()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.OK, "{}");
        using var t = new TestClient(handler, Local());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => t.Client.Emulator.AdvanceClockAsync(TimeSpan.FromSeconds(-1)));
        Assert.Empty(handler.Requests);
    }
}
