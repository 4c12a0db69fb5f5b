using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

public class PagingTests
{
    /// <summary>A list of items "item-1".."item-n" served in pages that honour after/limit.</summary>
    private sealed class Source(int count, int defaultPageSize)
    {
        public List<(string? After, int? Limit)> Calls { get; } = new();

        public Task<ListPage<string>> Fetch(string? after, int? limit, CancellationToken ct)
        {
            Calls.Add((after, limit));
            var all = Enumerable.Range(1, count).Select(i => $"item-{i}").ToList();
            var start = after == null ? 0 : all.IndexOf(after) + 1;
            var size = limit ?? defaultPageSize;
            var data = all.Skip(start).Take(size).ToList();
            return Task.FromResult(new ListPage<string> { Object = "list", Data = data, HasMore = start + data.Count < count });
        }
    }

    private static IEnumerable<string> Items(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"item-{i}");

    [Fact]
    public async Task StreamsEveryPage_FollowingTheLastIdAsCursor()
    {
        var source = new Source(7, 3);
        var pager = new Pager<string>(source.Fetch, s => s);
        var all = await pager.ToListAsync();
        Assert.Equal(Items(1, 7), all);
        Assert.Equal(3, pager.PagesFetched);
        Assert.Equal(new string?[] { null, "item-3", "item-6" }, source.Calls.Select(c => c.After));
        Assert.False(pager.RepeatedCursor);
    }

    [Fact]
    public async Task PageSize_IsSentAsLimit()
    {
        var source = new Source(5, 100);
        var pager = new Pager<string>(source.Fetch, s => s, pageSize: 2);
        Assert.Equal(Items(1, 5), await pager.ToListAsync());
        Assert.All(source.Calls, c => Assert.Equal(2, c.Limit));
        Assert.Equal(3, source.Calls.Count);
    }

    [Fact]
    public async Task SkipAndFirst_ApplyAcrossPages_AndStopFetchingOnceSatisfied()
    {
        var source = new Source(100, 3);
        var pager = new Pager<string>(source.Fetch, s => s, pageSize: 3, skip: 4, first: 4);
        Assert.Equal(Items(5, 8), await pager.ToListAsync());
        Assert.Equal(3, source.Calls.Count); // items 1-9 were enough
    }

    [Fact]
    public async Task First_WithoutPageSize_AsksOnlyForWhatItNeeds()
    {
        var source = new Source(100, 20);
        var pager = new Pager<string>(source.Fetch, s => s, skip: 2, first: 3);
        Assert.Equal(Items(3, 5), await pager.ToListAsync());
        Assert.Equal((null, 5), Assert.Single(source.Calls));
    }

    [Fact]
    public async Task FirstZero_FetchesNothing()
    {
        var source = new Source(10, 3);
        var pager = new Pager<string>(source.Fetch, s => s, first: 0);
        Assert.Empty(await pager.ToListAsync());
        Assert.Empty(source.Calls);
    }

    [Fact]
    public async Task SkipPastTheEnd_YieldsNothing()
    {
        var source = new Source(5, 2);
        var pager = new Pager<string>(source.Fetch, s => s, skip: 50);
        Assert.Empty(await pager.ToListAsync());
        Assert.Equal(3, source.Calls.Count);
    }

    [Fact]
    public async Task EmptyPageThatClaimsMore_EndsTheList()
    {
        var calls = 0;
        var pager = new Pager<string>((_, _, _) =>
        {
            calls++;
            return Task.FromResult(new ListPage<string> { Data = new List<string>(), HasMore = true });
        }, s => s);
        Assert.Empty(await pager.ToListAsync());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ServiceThatIgnoresTheCursor_IsStopped_WithoutRepeatingItems()
    {
        var calls = 0;
        var pager = new Pager<string>((_, _, _) =>
        {
            calls++;
            return Task.FromResult(new ListPage<string> { Data = new List<string> { "a", "b" }, HasMore = true });
        }, s => s);
        var all = await pager.ToListAsync();
        Assert.True(pager.RepeatedCursor);
        Assert.Equal(2, calls);
        Assert.Equal(new[] { "a", "b" }, all);
    }

    [Fact]
    public void NegativeSkipOrFirst_IsRefused()
    {
        var source = new Source(1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pager<string>(source.Fetch, s => s, skip: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pager<string>(source.Fetch, s => s, first: -1));
    }

    [Fact]
    public async Task JobsThroughTheClient_StreamAcrossPagesWithMetadataOnEveryRequest()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.OK, Payloads.Page(true, Payloads.Job("ftjob-5"), Payloads.Job("ftjob-4")))
            .Then(HttpStatusCode.OK, Payloads.Page(true, Payloads.Job("ftjob-3"), Payloads.Job("ftjob-2")))
            .Then(HttpStatusCode.OK, Payloads.Page(false, Payloads.Job("ftjob-1"))));
        var metadata = new Dictionary<string, string> { ["team"] = "search" };
        var pager = new Pager<FineTuningJob>((after, limit, ct) => t.Client.Jobs.ListAsync(after, limit, metadata, ct), j => j.Id, pageSize: 2);
        var jobs = await pager.ToListAsync();
        Assert.Equal(new[] { "ftjob-5", "ftjob-4", "ftjob-3", "ftjob-2", "ftjob-1" }, jobs.Select(j => j.Id));
        var queries = t.Handler.Requests.Select(r => Uri.UnescapeDataString(r.Uri.Query)).ToList();
        Assert.Equal(new[]
        {
            "?limit=2&metadata[team]=search",
            "?after=ftjob-4&limit=2&metadata[team]=search",
            "?after=ftjob-2&limit=2&metadata[team]=search",
        }, queries);
    }
}
