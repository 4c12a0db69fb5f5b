using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>The order at the emulator's door: authentication before faults, before routes, before bodies.</summary>
public class HttpEdgeOrderTests
{
    [Fact]
    public async Task A_fault_never_answers_a_request_without_the_key()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = "sk-edge-key" });
        emulator.Faults.Add(new FaultRule { PathPattern = "/files", StatusCode = 503, Count = 1 });
        using var http = new HttpClient(emulator.CreateHandler());

        var anonymous = await http.GetAsync("http://localhost/v1/files");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(1, emulator.Faults.Pending);

        var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/v1/files");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-edge-key");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.SendAsync(request)).StatusCode);
        Assert.Equal(0, emulator.Faults.Pending);
    }

    [Fact]
    public async Task A_drop_fault_does_not_drop_a_client_without_the_key_over_http()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = "sk-edge-key" });
        var baseUri = emulator.StartListener();
        emulator.Faults.Add(new FaultRule { DropConnection = true });
        using var http = new HttpClient();

        var anonymous = await http.GetAsync(baseUri + "/fine_tuning/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(1, emulator.Faults.Pending);
    }

    [Fact]
    public async Task Unknown_paths_and_the_admin_api_ask_for_the_key_first()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = "sk-edge-key" });
        using var http = new HttpClient(emulator.CreateHandler());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("http://localhost/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("http://localhost/openai/fine_tuning/jobs")).StatusCode);
        var fault = new StringContent("{\"status\":500}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("http://localhost/_emulator/faults", fault)).StatusCode);
        Assert.Equal(0, emulator.Faults.Pending);

        // The dated Azure API keeps its own error shape for the 401.
        var azure = await http.GetAsync("http://localhost/openai/fine_tuning/jobs?api-version=2025-04-01-preview");
        using var doc = JsonDocument.Parse(await azure.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
