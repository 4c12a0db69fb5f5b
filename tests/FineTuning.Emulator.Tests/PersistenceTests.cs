using FineTuning.Client;
using Xunit;

namespace FineTuning.Emulator.Tests;

public class PersistenceTests
{
    private static async Task<double[]> Losses(Harness h, string jobId) =>
        (await h.AllEventsAsync(jobId)).Where(e => e.Type == "metrics").OrderBy(e => e.Metrics!.Step).Select(e => e.Metrics!.TrainLoss!.Value).ToArray();

    [Fact]
    public async Task State_survives_a_restart_and_a_running_job_goes_on_exactly_as_without_one()
    {
        var state = Directory.CreateTempSubdirectory("ft-state-").FullName;
        var lines = Harness.ChatLines(12).ToList();
        try
        {
            // Reference: the same job, never interrupted.
            double[] expected;
            using (var reference = new Harness())
            {
                var f = await reference.UploadAsync(lines);
                var j = await reference.RunUntilAsync((await reference.CreateAsync(f.Id, epochs: 3, batch: 4, seed: 21)).Id, "succeeded");
                expected = await Losses(reference, j.Id);
            }

            string jobId, fileId;
            int eventsBefore;
            using (var first = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state }))
            {
                fileId = (await first.UploadAsync(lines)).Id;
                jobId = (await first.CreateAsync(fileId, epochs: 3, batch: 4, seed: 21)).Id;
                await first.RunUntilAsync(jobId, "running");
                while ((await first.AllEventsAsync(jobId)).Count(e => e.Type == "metrics") < 4) first.Emulator.Clock.Advance(TimeSpan.FromSeconds(5));
                eventsBefore = (await first.AllEventsAsync(jobId)).Count;
            } // the process "stops" here

            using var second = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state });
            Assert.Equal(1, second.Emulator.JobCount);
            Assert.Equal(1, second.Emulator.FileCount);
            var resumed = await second.Client.Jobs.GetAsync(jobId);
            Assert.Equal("running", resumed.Status);
            Assert.Equal(eventsBefore, (await second.AllEventsAsync(jobId)).Count);
            Assert.Equal(fileId, (await second.Client.Files.GetAsync(fileId)).Id);

            var done = await second.RunUntilAsync(jobId, "succeeded", "failed");
            Assert.Equal("succeeded", done.Status);
            Assert.Equal(expected, await Losses(second, jobId));
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }

    [Fact]
    public async Task Deleted_files_and_finished_jobs_stay_as_they_were()
    {
        var state = Directory.CreateTempSubdirectory("ft-state-").FullName;
        try
        {
            string keep, jobId;
            using (var h = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state }))
            {
                keep = (await h.UploadAsync(Harness.ChatLines(10))).Id;
                var gone = (await h.UploadAsync(Harness.ChatLines(10))).Id;
                await h.Client.Files.DeleteAsync(gone);
                jobId = (await h.RunUntilAsync((await h.CreateAsync(keep, epochs: 1)).Id, "succeeded")).Id;
            }
            using var again = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state });
            var files = (await again.Client.Files.ListAsync(null, null, null)).Data.Select(f => f.Purpose).OrderBy(p => p).ToList();
            Assert.Equal(new[] { "fine-tune", "fine-tune-results" }, files);
            var job = await again.Client.Jobs.GetAsync(jobId);
            Assert.Equal("succeeded", job.Status);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(state, "files")).Length);
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }

    [Fact]
    public async Task A_file_lifetime_survives_a_restart_and_still_ends()
    {
        var state = Directory.CreateTempSubdirectory("ft-state-").FullName;
        try
        {
            string brief;
            DateTimeOffset? expires;
            using (var h = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state }))
            {
                var path = Path.Combine(h.Dir, "brief.jsonl");
                await File.WriteAllLinesAsync(path, Harness.ChatLines(10));
                var file = await h.Client.Files.UploadAsync(path, "fine-tune", expiresAfterSeconds: 3600);
                (brief, expires) = (file.Id, file.ExpiresAt);
            }
            using var again = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state });
            Assert.Equal(expires, (await again.Client.Files.GetAsync(brief)).ExpiresAt);
            again.Emulator.Clock.Advance(TimeSpan.FromHours(2));
            var gone = await Assert.ThrowsAsync<FineTuningServiceException>(() => again.Client.Files.GetAsync(brief));
            Assert.Equal(404, gone.StatusCode);
            Assert.Empty(Directory.GetFiles(Path.Combine(state, "files")));
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }

    [Fact]
    public async Task A_write_cut_short_leaves_the_last_acknowledged_state()
    {
        var state = Directory.CreateTempSubdirectory("ft-state-").FullName;
        try
        {
            string fileId;
            using (var h = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state }))
            {
                fileId = (await h.UploadAsync(Harness.ChatLines(10))).Id;
            }
            // A crash in the middle of the next save leaves a partial temporary file beside the snapshot.
            await File.WriteAllTextAsync(Path.Combine(state, "state.json.tmp"), "{\"version\":1,\"files\":[");
            using var again = new Harness(new EmulatorOptions { ManualClock = true, StatePath = state });
            Assert.Equal(fileId, (await again.Client.Files.GetAsync(fileId)).Id);
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }

    [Fact]
    public void An_unreadable_state_is_a_clear_error()
    {
        var state = Directory.CreateTempSubdirectory("ft-state-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(state, "state.json"), "not json");
            var ex = Assert.Throws<InvalidDataException>(() => new FineTuningEmulator(new EmulatorOptions { StatePath = state }));
            Assert.Contains("state.json", ex.Message);
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }
}
