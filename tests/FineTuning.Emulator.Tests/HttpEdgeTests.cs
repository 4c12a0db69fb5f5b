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
