using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Emulator.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public class SerialEdge
{
    public const string Name = "HTTP edge, alone (timing and memory)";
}

/// <summary>Nothing is read before the key is checked, and nothing unbounded is read after.</summary>
[Collection(SerialEdge.Name)]
public class HttpEdgeLimitTests
{
    private const string Key = "sk-edge-limits-key";

    [Fact]
    public async Task An_unauthenticated_1_GiB_upload_is_answered_401_before_its_body_is_sent()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = Key });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync("POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1073741824\r\n\r\n");
        // No body byte is sent: the answer can only come from the headers.
        var (status, head, body) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(401, status);
        Assert.Contains("Connection: close", head);
        Assert.Contains("API key", body);
    }

    [Fact]
    public async Task HttpClient_sending_a_large_upload_with_a_wrong_key_sees_the_401_not_a_reset()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = Key });
        var baseUri = emulator.StartListener();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-wrong-key-0000");
        var body = new CountingBody(200L * 1024 * 1024);
        var file = new StreamContent(body, 64 * 1024);
        file.Headers.ContentLength = body.Length;
        using var form = new MultipartFormDataContent { { new StringContent("fine-tune"), "purpose" }, { file, "file", "big.jsonl" } };
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var response = await http.PostAsync(baseUri + "/files", form);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        // The client finishes sending before it reads: the emulator drops what it sends, and the client sees the 401.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("****0000", await response.Content.ReadAsStringAsync());
        Assert.True(allocated < 24L * 1024 * 1024, $"Refusing a {body.Length:N0}-byte upload allocated {allocated:N0} bytes.");
        Assert.Equal(0, emulator.FileCount);
    }

    [Fact]
    public async Task In_process_an_unauthenticated_upload_is_refused_without_reading_its_body()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = Key });
        using var http = new HttpClient(emulator.CreateHandler());
        var body = new CountingBody(1L << 30);
        var content = new StreamContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        content.Headers.ContentLength = body.Length;
        var response = await http.PostAsync("http://localhost/v1/files", content);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, body.BytesRead);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=b", 513L * 1024 * 1024 + 1, "multipart body")]
    [InlineData("application/json", 16L * 1024 * 1024 + 1, "JSON body")]
    public async Task A_declared_body_over_the_limit_is_answered_413_before_it_is_sent(string type, long length, string named)
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = Key });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync($"POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Key}\r\nContent-Type: {type}\r\nContent-Length: {length}\r\n\r\n");
        var (status, _, body) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(413, status);
        Assert.Contains(named, body);
        Assert.Contains("request_too_large", body);
    }

    [Fact]
    public async Task A_chunked_body_is_cut_off_at_the_limit_with_413()
    {
        var limits = new ServerLimits { MaxJsonBodyBytes = 1000 };
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, Limits = limits });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync("POST /v1/fine_tuning/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        await client.SendAsync("800\r\n" + new string(' ', 0x800) + "\r\n");
        var (status, _, _) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(413, status);
    }

    [Fact]
    public async Task A_chunked_json_body_is_read_like_any_other()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        const string json = "{\"seconds\":30}";
        await client.SendAsync($"POST /_emulator/clock/advance HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
            $"5;ext=1\r\n{json.Substring(0, 5)}\r\n{json.Length - 5:x}\r\n{json.Substring(5)}\r\n0\r\n\r\n");
        var (status, _, body) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(200, status);
        Assert.Contains("emulator.clock", body);
        // The connection stays open for the next request.
        await client.SendAsync("GET /v1/files HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync(TimeSpan.FromSeconds(10))).Status);
    }

    [Fact]
    public async Task Headers_over_the_limit_are_answered_431()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync("GET /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + new string('x', 40 * 1024) + "\r\n\r\n");
        var (status, _, body) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(431, status);
        Assert.Contains("32,768 bytes", body);
    }

    [Fact]
    public async Task A_70_MB_upload_streams_to_disk_instead_of_memory()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = Key });
        var baseUri = emulator.StartListener();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        const long size = 70L * 1024 * 1024;
        Assert.True(size > EmulatorStore.LargeFileBytes);
        var file = new StreamContent(new CountingBody(size), 64 * 1024);
        file.Headers.ContentLength = size;
        using var form = new MultipartFormDataContent { { new StringContent("fine-tune"), "purpose" }, { file, "file", "big.jsonl" } };

        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var response = await http.PostAsync(baseUri + "/files", form);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(size, doc.RootElement.GetProperty("bytes").GetInt64());
        Assert.True(allocated < 24L * 1024 * 1024, $"Receiving a {size:N0}-byte upload allocated {allocated:N0} bytes.");
    }
}
