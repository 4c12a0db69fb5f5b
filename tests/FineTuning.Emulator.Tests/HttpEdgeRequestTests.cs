using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>The emulator answers on every loopback name, and on nothing else.</summary>
public class HttpEdgeHostTests
{
    [Fact]
    public async Task Localhost_and_the_ipv6_loopback_are_answered_like_127_0_0_1()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        var port = emulator.StartListener().Port;
        using var http = new HttpClient();
        var names = new List<string> { "127.0.0.1", "localhost" };
        if (System.Net.Sockets.Socket.OSSupportsIPv6) names.Add("[::1]");
        foreach (var name in names)
        {
            var response = await http.GetAsync($"http://{name}:{port}/v1/files");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode}");
            Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        }
    }

    [Fact]
    public async Task The_client_library_works_against_a_localhost_base_url()
    {
        const string key = "sk-edge-localhost";
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, ApiKey = key });
        var port = emulator.StartListener().Port;
        using var connection = FineTuning.Client.FineTuningConnection.Create(new FineTuning.Client.ConnectionOptions
        {
            Kind = FineTuning.Client.ServiceKind.Compatible,
            BaseUri = new Uri($"http://localhost:{port}/v1"),
            ApiKey = FineTuning.Client.FineTuningConnection.ToSecureString(key),
            MaxRetries = 0,
        });
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".jsonl");
        await File.WriteAllLinesAsync(path, Harness.ChatLines(10));
        try
        {
            var uploaded = await connection.Client.Files.UploadAsync(path, "fine-tune", "train.jsonl");
            var listed = await connection.Client.Files.ListAsync(null, null, 100);
            Assert.Contains(listed.Data, f => f.Id == uploaded.Id);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Another_host_name_is_refused()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync("GET /v1/files HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
        var (status, _, body) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(400, status);
        Assert.Contains("invalid_host", body);
    }
}

/// <summary>Bad bytes in a body are the client's error, named as such.</summary>
public class HttpEdgeBodyTests
{
    [Fact]
    public async Task Invalid_utf8_in_a_json_body_is_a_400_naming_the_problem()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        using var http = new HttpClient(emulator.CreateHandler());
        var bytes = Encoding.ASCII.GetBytes("{\"model\":\"gpt\u0001\",\"training_file\":\"file-x\"}");
        bytes[13] = 0xff;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        var response = await http.PostAsync("http://localhost/v1/fine_tuning/jobs", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("not valid UTF-8 (byte offset 13)", error.GetProperty("message").GetString());
    }
}

/// <summary>Azure's files/import: the download is held to the Files API's 512 MB and goes to disk as it comes.</summary>
public class HttpEdgeImportTests
{
    /// <summary>A server that answers every GET with <paramref name="head"/> and then sends bytes until the client goes away.</summary>
    private static (Uri Url, Task Serving, Func<long> Sent) Serve(string head, CancellationToken stop)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        long sent = 0;
        var serving = Task.Run(async () =>
        {
            using var registration = stop.Register(listener.Stop);
            try
            {
                using var socket = await listener.AcceptTcpClientAsync(stop);
                var stream = socket.GetStream();
                var request = new StringBuilder();
                var one = new byte[1];
                while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, stop) > 0) request.Append((char)one[0]);
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop);
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'a');
                while (!stop.IsCancellationRequested)
                {
                    await stream.WriteAsync(chunk, stop);
                    Interlocked.Add(ref sent, chunk.Length);
                }
            }
            catch (Exception) { }
            finally { listener.Stop(); }
        });
        return (new Uri($"http://127.0.0.1:{port}/container/big.jsonl?sig=secret-sas"), serving, () => Interlocked.Read(ref sent));
    }

    [Fact]
    public async Task An_import_that_declares_600_MB_is_refused_before_it_is_downloaded()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (url, serving, sent) = Serve("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 629145600\r\n\r\n", stop.Token);
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        using var http = new HttpClient(emulator.CreateHandler());
        var body = new StringContent($"{{\"purpose\":\"fine-tune\",\"filename\":\"big.jsonl\",\"content_url\":\"{url}\"}}", Encoding.UTF8, "application/json");
        var response = await http.PostAsync("http://localhost/openai/v1/files/import", body);
        var text = await response.Content.ReadAsStringAsync();
        stop.Cancel();
        await serving;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("629,145,600 bytes", text);
        Assert.Contains("fileImportFailed", text);
        Assert.DoesNotContain("secret-sas", text);
        Assert.True(sent() < 64L * 1024 * 1024, $"{sent():N0} bytes were sent before the refusal.");
        Assert.Equal(0, emulator.FileCount);
    }

    [Fact]
    public async Task An_import_without_a_length_is_cut_off_at_the_limit()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (url, serving, _) = Serve("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n", stop.Token);
        var spool = Directory.CreateTempSubdirectory("ft-import-").FullName;
        try
        {
            var ex = await Assert.ThrowsAsync<ImportException>(() => ImportClient.DownloadAsync(url, "http://127.0.0.1/big.jsonl", 3_000_000, () => spool));
            Assert.Contains("sent more than 3,000,000 bytes", ex.Message);
            // What came before the cut went to a scratch file, which is gone with the refusal.
            Assert.Empty(Directory.GetFiles(spool));
        }
        finally
        {
            stop.Cancel();
            await serving;
            Directory.Delete(spool, true);
        }
    }
}
