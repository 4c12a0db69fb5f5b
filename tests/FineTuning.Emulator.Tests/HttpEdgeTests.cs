using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
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
        emulator.Faults.Add(new FineTuning.Client.EmulatorFault { Path = "/files", StatusCode = 503, Count = 1 });
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
        emulator.Faults.Add(new FineTuning.Client.EmulatorFault { DropConnection = true });
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

/// <summary>A raw HTTP/1.1 client over a socket, for what HttpClient will not send: slow, partial and oversized requests.</summary>
internal sealed class RawClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private readonly MemoryStream _pending = new();

    private RawClient() { }

    public static async Task<RawClient> ConnectAsync(Uri baseUri)
    {
        var client = new RawClient();
        await client._tcp.ConnectAsync(IPAddress.Loopback, baseUri.Port);
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _tcp.GetStream().WriteAsync(bytes);

    /// <summary>The next final answer (1xx skipped): status, head and body; throws when none comes within <paramref name="within"/>.</summary>
    public async Task<(int Status, string Head, string Body)> ReadResponseAsync(TimeSpan within)
    {
        using var cancel = new CancellationTokenSource(within);
        while (true)
        {
            var head = await ReadUntilAsync("\r\n\r\n", cancel.Token);
            var status = int.Parse(head.Split(' ')[1]);
            if (status < 200) continue;
            var length = 0;
            foreach (var line in head.Split("\r\n"))
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line.Substring(15).Trim());
            var body = await ReadBytesAsync(length, cancel.Token);
            return (status, head, Encoding.UTF8.GetString(body));
        }
    }

    /// <summary>True when the server closes the connection within <paramref name="within"/>.</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan within)
    {
        using var cancel = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await _tcp.GetStream().ReadAsync(buffer, cancel.Token) == 0) return true;
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    private async Task<string> ReadUntilAsync(string end, CancellationToken token)
    {
        var buffer = new byte[1];
        var text = new StringBuilder();
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            if (await _tcp.GetStream().ReadAsync(buffer, token) == 0) throw new IOException("Closed before an answer: " + text);
            text.Append((char)buffer[0]);
        }
        return text.ToString();
    }

    private async Task<byte[]> ReadBytesAsync(int count, CancellationToken token)
    {
        var bytes = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await _tcp.GetStream().ReadAsync(bytes.AsMemory(read), token);
            if (n == 0) throw new IOException("Closed in the middle of a body.");
            read += n;
        }
        return bytes;
    }

    public void Dispose() => _tcp.Dispose();
}

/// <summary>A body that makes its bytes as they are read and counts them, so a test can see how much the emulator read.</summary>
internal sealed class CountingBody : Stream
{
    private readonly long _length;
    private long _position;

    public CountingBody(long length) { _length = length; }

    public long BytesRead => Interlocked.Read(ref _position);
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, _length - _position);
        for (var i = 0; i < n; i++) buffer[offset + i] = (byte)'a';
        Interlocked.Add(ref _position, n);
        return n;
    }
}

/// <summary>Slow clients hold their own connections only; every read has a deadline.</summary>
[Collection(SerialEdge.Name)]
public class HttpEdgeTimeTests
{
    /// <summary>A request on a new connection, which has to get through the accept path; how long its answer took.</summary>
    private static async Task<TimeSpan> TimeFreshRequestAsync(Uri baseUri)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var probe = await RawClient.ConnectAsync(baseUri);
        await probe.SendAsync("GET /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        var (status, _, _) = await probe.ReadResponseAsync(TimeSpan.FromSeconds(120));
        watch.Stop();
        Assert.Equal(200, status);
        return watch.Elapsed;
    }

    [Fact]
    public async Task A_hundred_slow_clients_do_not_delay_a_normal_request()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        var baseUri = emulator.StartListener();
        await TimeFreshRequestAsync(baseUri);
        var baseline = TimeSpan.Zero;
        for (var i = 0; i < 3; i++)
        {
            var t = await TimeFreshRequestAsync(baseUri);
            if (t > baseline) baseline = t;
        }

        var slow = new List<RawClient>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var client = await RawClient.ConnectAsync(baseUri);
                slow.Add(client);
                // Half promise a large body and send one byte, a quarter do the same for a host the emulator does not
                // serve, and a quarter stop in the middle of their headers.
                switch (i % 4)
                {
                    case 0:
                    case 2:
                        await client.SendAsync("POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{");
                        break;
                    case 1:
                        await client.SendAsync("POST /v1/files HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n{");
                        break;
                    default:
                        await client.SendAsync("GET /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                        break;
                }
            }
            await Task.Delay(300);
            var loaded = await TimeFreshRequestAsync(baseUri);
            var bound = baseline * 10 + TimeSpan.FromSeconds(1.5);
            Assert.True(loaded < bound, $"With 100 slow clients a request took {loaded.TotalMilliseconds:N0} ms; alone it took {baseline.TotalMilliseconds:N0} ms.");
            // The HttpClient way too.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(baseUri + "/files")).StatusCode);
            Assert.True(watch.Elapsed < bound, $"With 100 slow clients HttpClient took {watch.Elapsed.TotalMilliseconds:N0} ms.");
        }
        finally
        {
            foreach (var client in slow) client.Dispose();
        }
    }

    [Fact]
    public async Task Headers_that_stop_arriving_are_answered_408_and_closed()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, Limits = new ServerLimits { HeaderTimeout = TimeSpan.FromSeconds(1) } });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync("GET /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (status, _, body) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(408, status);
        Assert.Contains("headers did not arrive within 1 s", body);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_body_that_stalls_is_answered_408_and_closed()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, Limits = new ServerLimits { BodyIdleTimeout = TimeSpan.FromSeconds(1) } });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync("POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{");
        var (status, _, body) = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(408, status);
        Assert.Contains("request_timeout", body);
        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_body_that_trickles_below_the_minimum_rate_is_answered_408()
    {
        var limits = new ServerLimits { BodyIdleTimeout = TimeSpan.FromSeconds(1), MinBodyBytesPerSecond = 1000 };
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, Limits = limits });
        var baseUri = emulator.StartListener();
        using var client = await RawClient.ConnectAsync(baseUri);
        await client.SendAsync("POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n");
        var answer = client.ReadResponseAsync(TimeSpan.FromSeconds(15));
        for (var i = 0; i < 40 && !answer.IsCompleted; i++)
        {
            try { await client.SendAsync("{"); } catch (IOException) { break; }
            await Task.Delay(250);
        }
        var (status, _, _) = await answer;
        Assert.Equal(408, status);
    }
}

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

/// <summary>The streaming multipart reader: parts come out whole however the bytes are cut, large ones on disk.</summary>
public class MultipartReaderTests
{
    private static BodyRead Dribble(byte[] body, int[] sizes)
    {
        var position = 0;
        var turn = 0;
        return (buffer, offset, count) =>
        {
            var n = Math.Min(Math.Min(count, sizes[turn++ % sizes.Length]), body.Length - position);
            Array.Copy(body, position, buffer, offset, n);
            position += n;
            return Task.FromResult(n);
        };
    }

    [Theory]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 3, 7, 1, 64 * 1024 })]
    [InlineData(new[] { 1 << 20 })]
    public async Task Parts_come_out_whole_however_the_body_arrives(int[] sizes)
    {
        var big = new byte[SpoolWriter.MemoryBytes + 12345];
        new Random(5).NextBytes(big);
        var head = Encoding.ASCII.GetBytes("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n" +
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes("\r\n--XyZ--\r\nepilogue");
        var body = head.Concat(big).Concat(tail).ToArray();
        var spool = Directory.CreateTempSubdirectory("ft-multipart-").FullName;
        try
        {
            var parts = await Multipart.ParseAsync(Dribble(body, sizes), "multipart/form-data; boundary=XyZ", () => spool);
            Assert.Equal(2, parts.Count);
            Assert.Equal("fine-tune", parts[0].Text());
            Assert.Equal("file", parts[1].Name);
            Assert.Equal("a b.jsonl", parts[1].FileName);
            Assert.True(parts[1].Content.OnDisk);
            Assert.Equal(big, parts[1].Content.ToArray());
            foreach (var part in parts) part.Dispose();
            Assert.Empty(Directory.GetFiles(spool));
        }
        finally
        {
            Directory.Delete(spool, true);
        }
    }

    [Theory]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", "not terminated")]
    [InlineData("no delimiter at all", "no parts")]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"a\"", "no end of headers")]
    public async Task A_broken_form_is_named(string text, string problem)
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() =>
            Multipart.ParseAsync(Dribble(Encoding.ASCII.GetBytes(text), new[] { 5 }), "multipart/form-data; boundary=XyZ", Path.GetTempPath));
        Assert.Contains(problem, ex.Message);
    }
}
