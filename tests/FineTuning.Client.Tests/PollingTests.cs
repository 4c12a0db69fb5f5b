using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>How often a wait looks at its jobs, and how several jobs are fetched in one request.</summary>
public class PollingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>Runs a schedule over a job of <paramref name="length"/> and returns the times it would look.</summary>
    private static List<double> Looks(PollSchedule schedule, TimeSpan length, DateTimeOffset? finish)
    {
        var looks = new List<double>();
        var now = T0;
        while (now - T0 < length)
        {
            looks.Add((now - T0).TotalSeconds);
            now += schedule.Next(now, finish);
        }
        return looks;
    }

    [Fact]
    public void StartsAtTheCallersInterval_AndGrowsToTheMaximum()
    {
        var schedule = new PollSchedule(S(1), S(60));
        var waits = Enumerable.Range(0, 20).Select(_ => schedule.Next(T0, null).TotalSeconds).ToList();
        Assert.Equal(1, waits[0]);
        Assert.Equal(1.5, waits[1]);
        Assert.Equal(2.25, waits[2]);
        Assert.All(waits.Zip(waits.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
        Assert.Equal(60, waits[^1]);
    }

    [Fact]
    public void NeverLooksMoreOftenThanAsked_EvenNearTheEstimatedFinish()
    {
        var schedule = new PollSchedule(S(5), S(60));
        var finish = T0 + S(300);
        var looks = Looks(schedule, S(900), finish);
        Assert.All(looks.Zip(looks.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 5 - 1e-9, $"{pair.First} -> {pair.Second}"));
    }

    [Fact]
    public void LooksQuicklyNearTheEstimatedFinish_AndSeesItSoonAfter()
    {
        var finish = T0 + S(3600);
        var looks = Looks(new PollSchedule(S(1), S(60)), S(3700), finish);
        // Slow in the middle of an hour-long job...
        Assert.True(looks.Count(t => t > 600 && t < 3000) <= 45, $"{looks.Count(t => t > 600 && t < 3000)} looks in the middle");
        // ...at most a few seconds apart as the estimate comes...
        var before = looks.Where(t => t < 3600).ToList();
        Assert.True(3600 - before[^1] <= 2, $"last look before the finish at {before[^1]}");
        // ...and soon after it has passed.
        var after = looks.First(t => t >= 3600);
        Assert.True(after - 3600 <= 2, $"first look after the finish at {after}");
    }

    [Fact]
    public void AnHourLongJob_CostsAFewScoreRequests_NotThousands()
    {
        var looks = Looks(new PollSchedule(S(1), S(60)), S(3600 + 30), T0 + S(3600));
        Assert.InRange(looks.Count, 60, 100);
    }

    [Fact]
    public void WithoutAnEstimate_TheWaitStaysAtTheMaximum()
    {
        var looks = Looks(new PollSchedule(S(1), S(60)), S(3600), null);
        Assert.InRange(looks.Count, 60, 80);
    }

    [Fact]
    public async Task SeveralJobs_AreFetchedWithOneListRequest()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK,
            Payloads.Page(true, Payloads.Job("ftjob-c"), Payloads.Job("ftjob-b", "succeeded"), Payloads.Job("ftjob-other"), Payloads.Job("ftjob-a", "cancelled"))));
        var found = await JobBatch.FromListAsync(t.Client, new[] { "ftjob-a", "ftjob-b", "ftjob-c", "ftjob-old" }, default);
        var request = Assert.Single(t.Handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.EndsWith("/fine_tuning/jobs", request.Uri.AbsolutePath);
        Assert.Contains("limit=100", request.Uri.Query);
        Assert.Equal(new[] { "ftjob-a", "ftjob-b", "ftjob-c" }, found.Keys.OrderBy(k => k));
        Assert.Equal("cancelled", found["ftjob-a"].Status);
    }

    [Fact]
    public async Task OneJob_IsNotListed()
    {
        using var t = new TestClient(new FakeHandler());
        var found = await JobBatch.FromListAsync(t.Client, new[] { "ftjob-a" }, default);
        Assert.Empty(found);
        Assert.Empty(t.Handler.Requests);
    }
}
