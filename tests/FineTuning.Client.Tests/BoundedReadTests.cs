using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Neither one answer nor one listing can grow without bound.</summary>
public class BoundedReadTests
{
    /// <summary>A body of filler produced as it is read, as a socket delivers it; counts what was read.</summary>
    private sealed class EndlessStream(long length) : Stream
    {
        public long Produced { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Produced; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Produced);
            Array.Fill(buffer, (byte)'a', offset, n);
            Produced += n;
            return n;
        }
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, EndlessStream body, long? declared = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StreamContent(body) };
        response.Content.Headers.ContentLength = declared;
        return response;
    }

    [Fact]
    public async Task DeclaredLengthOverTheLimit_FailsBeforeTheBodyIsRead()
    {
        var content = new EndlessStream(200L * 1024 * 1024);
        using var t = new TestClient(new FakeHandler().Then(_ => Respond(HttpStatusCode.OK, content, 200L * 1024 * 1024)));
        var ex = await Assert.ThrowsAsync<FineTuningResponseTooLargeException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal(FineTuningClient.DefaultMaxResponseBytes, ex.Limit);
        Assert.Equal(200L * 1024 * 1024, ex.ContentLength);
        Assert.Contains("32 MiB", ex.Message);
        Assert.Equal(0, content.Produced);
    }

    [Fact]
    public async Task UndeclaredLength_StopsReadingJustPastTheLimit()
    {
        var content = new EndlessStream(200L * 1024 * 1024);
        using var t = new TestClient(new FakeHandler().Then(_ => Respond(HttpStatusCode.OK, content)));
        t.Client.MaxResponseBytes = 1024 * 1024;
        var ex = await Assert.ThrowsAsync<FineTuningResponseTooLargeException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Null(ex.ContentLength);
        Assert.Contains("1 MiB", ex.Message);
        Assert.True(content.Produced < 4 * 1024 * 1024, $"{content.Produced} bytes were produced");
    }

    [Fact]
    public async Task AnswerWithinTheLimit_IsRead()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Payloads.SucceededJob));
        t.Client.MaxResponseBytes = Payloads.SucceededJob.Length + 10;
        Assert.Equal("ftjob-abc123", (await t.Client.Jobs.GetAsync("ftjob-1")).Id);
    }

    [Fact]
    public async Task HugeErrorBody_IsReadOnlyInPart_AndStillReported()
    {
        var content = new EndlessStream(200L * 1024 * 1024);
        var options = new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(TestClient.Key), MaxRetries = 0 };
        using var t = new TestClient(new FakeHandler().Then(_ => Respond(HttpStatusCode.BadGateway, content)), options);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.Equal(502, ex.StatusCode);
        Assert.True(content.Produced < 4 * 1024 * 1024, $"{content.Produced} bytes were produced");
    }

    private static Func<string?, int?, CancellationToken, Task<ListPage<string>>> Endless(Func<int, IEnumerable<string>> page)
    {
        var n = 0;
        return (after, limit, ct) => Task.FromResult(new ListPage<string> { Object = "list", Data = page(++n).ToList(), HasMore = true });
    }

    [Fact]
    public async Task PageWithNothingNew_StopsTheListing_EvenWithANewCursor()
    {
        // Pages 1 and 2 are new; page 3 repeats earlier items in another order, so its last id is not a cursor seen before.
        var pager = new Pager<string>(Endless(n => n <= 2 ? new[] { $"a{n}", $"b{n}" } : new[] { "b1", "a1" }), s => s);
        var all = await pager.ToListAsync();
        Assert.Equal(new[] { "a1", "b1", "a2", "b2" }, all);
        Assert.Contains("already listed", pager.StoppedEarly);
        Assert.True(pager.PagesFetched <= 4);
    }

    [Fact]
    public async Task RepeatedItemsInAPage_AreNotEmittedTwice()
    {
        var calls = 0;
        var pager = new Pager<string>((after, limit, ct) => Task.FromResult(++calls == 1
            ? new ListPage<string> { Data = new List<string> { "x1", "x2" }, HasMore = true }
            : new ListPage<string> { Data = new List<string> { "x2", "x3" }, HasMore = false }), s => s);
        Assert.Equal(new[] { "x1", "x2", "x3" }, await pager.ToListAsync());
        Assert.Null(pager.StoppedEarly);
    }

    [Fact]
    public async Task EndlessNewItems_StopAtMaxItems_WithAReason()
    {
        var pager = new Pager<string>(Endless(n => Enumerable.Range(0, 100).Select(i => $"item-{n}-{i}")), s => s) { MaxItems = 1_000 };
        var all = await pager.ToListAsync();
        Assert.Equal(1_000, all.Count);
        Assert.Equal(10, pager.PagesFetched);
        Assert.Contains("1,000", pager.StoppedEarly);
    }

    [Fact]
    public async Task First_AboveMaxItems_RaisesTheBound()
    {
        var pager = new Pager<string>(Endless(n => Enumerable.Range(0, 100).Select(i => $"item-{n}-{i}")), s => s, first: 1_500) { MaxItems = 1_000 };
        Assert.Equal(1_500, (await pager.ToListAsync()).Count);
        Assert.Null(pager.StoppedEarly);
    }

    [Fact]
    public void DefaultBound_IsAHundredThousandItems() => Assert.Equal(100_000, Pager<string>.DefaultMaxItems);

    /// <summary>A body that sends its first bytes and then nothing more, as a stalled connection does.</summary>
    private sealed class StallingStream : Stream
    {
        private bool _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (!_sent)
            {
                _sent = true;
                buffer[offset] = (byte)'{';
                return 1;
            }
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    [Fact]
    public async Task ABodyThatStallsAfterItsHeaders_TimesOutWithinTheConnectionTimeout()
    {
        var options = new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(TestClient.Key), Timeout = TimeSpan.FromMilliseconds(200) };
        using var t = new TestClient(new FakeHandler().Then(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream()) }), options);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<FineTuningTransportException>(() => t.Client.Jobs.GetAsync("ftjob-1"));
        Assert.True(ex.IsTimeout);
        Assert.Contains("while its answer was being read", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"The read took {watch.Elapsed}.");
    }
}
