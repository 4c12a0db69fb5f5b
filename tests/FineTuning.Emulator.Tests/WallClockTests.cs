using FineTuning.Client;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>The time scale shortens durations; every timestamp a client sees is a wall-clock time.</summary>
public class WallClockTests
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_ten_minute_job_at_scale_600_ends_about_a_second_later_and_reports_real_times()
    {
        using var h = new Harness(new EmulatorOptions { TimeScale = 600, Seed = 3 });
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var before = DateTimeOffset.UtcNow;
        // 10 examples, batch 1, 25 epochs: 250 steps of about 2 s each, plus validation and queue: about 9 to 10 minutes of the service's time.
        var job = await h.CreateAsync(file.Id, epochs: 25, batch: 1);
        Assert.InRange(job.CreatedAt, before - Slack, DateTimeOffset.UtcNow + Slack);

        DateTimeOffset? estimate = null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (job.Status != "succeeded" && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
            job = await h.Client.Jobs.GetAsync(job.Id);
            if (job.Status == "running" && estimate is null) estimate = job.EstimatedFinish;
        }
        var end = DateTimeOffset.UtcNow;
        Assert.Equal("succeeded", job.Status);
        Assert.Equal(250, (await h.AllEventsAsync(job.Id)).Count(e => e.Type == "metrics"));

        // The whole run took about 1 s of real time, and the job says so in real times.
        var took = job.FinishedAt!.Value - job.CreatedAt;
        Assert.InRange(took, TimeSpan.Zero, TimeSpan.FromSeconds(4));
        Assert.InRange(job.FinishedAt.Value, before - Slack, end + Slack);
        Assert.NotNull(estimate);
        Assert.InRange(estimate!.Value, job.FinishedAt.Value - Slack, job.FinishedAt.Value + Slack);
        foreach (var e in await h.AllEventsAsync(job.Id)) Assert.InRange(e.CreatedAt, before - Slack, end + Slack);
    }

    [Fact]
    public async Task A_running_clock_reads_the_wall_clock_whatever_the_scale_and_uptime()
    {
        using var h = new Harness(new EmulatorOptions { TimeScale = 100_000 });
        await Task.Delay(300); // at the old virtual time this would be more than 8 hours ahead
        Assert.InRange(h.Emulator.Clock.Now, DateTimeOffset.UtcNow - Slack, DateTimeOffset.UtcNow + Slack);
        var file = await h.UploadAsync(Harness.ChatLines(10));
        Assert.InRange(file.CreatedAt, DateTimeOffset.UtcNow - Slack, DateTimeOffset.UtcNow + Slack);
    }

    [Fact]
    public async Task A_manual_clock_moves_timestamps_by_its_steps_and_keeps_the_service_durations()
    {
        using var h = new Harness(new EmulatorOptions { ManualClock = true, TimeScale = 600, Seed = 3 });
        var start = h.Emulator.Clock.Now;
        Assert.InRange(start, DateTimeOffset.UtcNow - Slack, DateTimeOffset.UtcNow + Slack);
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var job = await h.CreateAsync(file.Id, epochs: 1, batch: 1);
        // Validation takes 8 s of the service's time even at scale 600: the manual clock's steps are the time that passes.
        h.Emulator.Clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal("validating_files", (await h.Client.Jobs.GetAsync(job.Id)).Status);
        h.Emulator.Clock.Advance(TimeSpan.FromHours(1));
        var done = await h.RunUntilAsync(job.Id, "succeeded");
        // Played out with the times it would have had: 8 s of validation, 20 s queued, 10 steps of at least 2 s.
        Assert.InRange(done.FinishedAt!.Value - done.CreatedAt, TimeSpan.FromSeconds(48), TimeSpan.FromMinutes(5));
        Assert.True(done.FinishedAt.Value <= h.Emulator.Clock.Now);
        var events = await h.AllEventsAsync(job.Id);
        var started = events.Single(e => e.Message == "Fine-tuning job started").CreatedAt;
        var validated = events.Single(e => e.Message?.StartsWith("Files validated", StringComparison.Ordinal) == true).CreatedAt;
        Assert.Equal(TimeSpan.FromSeconds(20), started - validated);
    }
}
