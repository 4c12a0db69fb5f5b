using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using FineTuning.Client;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Emulator.Tests;

public class LifecycleTests
{
    [Fact]
    public async Task A_job_walks_the_service_states_and_emits_its_events_in_order()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(12));
        var job = await h.CreateAsync(file.Id, epochs: 2, batch: 4, suffix: "names");
        Assert.Equal("validating_files", job.Status);
        Assert.Null(job.FineTunedModel);

        var seen = new List<string> { job.Status };
        for (var i = 0; i < 2000 && !JobStatus.IsFinal(job.Status); i++)
        {
            h.Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            job = await h.Client.Jobs.GetAsync(job.Id);
            if (seen[^1] != job.Status) seen.Add(job.Status);
        }
        Assert.Equal(new[] { "validating_files", "queued", "running", "succeeded" }, seen);
        Assert.Matches("^ft:gpt-4o-mini-2024-07-18:org-emulator:names:[A-Za-z0-9]{8}$", job.FineTunedModel);
        Assert.NotNull(job.FinishedAt);
        Assert.Single(job.ResultFiles!);

        var events = await h.AllEventsAsync(job.Id);
        events.Reverse(); // oldest first
        Assert.Equal($"Created fine-tuning job: {job.Id}", events[0].Message);
        Assert.Equal($"Validating training file: {file.Id}", events[1].Message);
        Assert.Equal("Files validated, moving job to queued state", events[2].Message);
        Assert.Equal("Fine-tuning job started", events[3].Message);
        var metrics = events.Where(e => e.Type == "metrics").ToList();
        Assert.Equal(6, metrics.Count); // ceil(12 / 4) steps x 2 epochs
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long?)i), metrics.Select(m => m.Metrics!.Step));
        Assert.All(metrics, m => Assert.StartsWith($"Step {m.Metrics!.Step}/6: training loss=", m.Message));
        Assert.Equal($"New fine-tuned model created: {job.FineTunedModel}", events[^2].Message);
        Assert.Equal("The job has successfully completed", events[^1].Message);
    }

    [Fact]
    public async Task Trained_tokens_are_the_counted_tokens_of_the_file_times_the_epochs()
    {
        using var h = new Harness();
        var lines = Harness.ChatLines(10).ToList();
        var file = await h.UploadAsync(lines);
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 3)).Id, "succeeded");

        // Counted independently: the chat framing of 3 tokens per message plus role and content, and 3 per example.
        var counter = TokenCounter.ForModel("gpt-4o-mini-2024-07-18");
        long perPass = 0;
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            perPass += 3;
            foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray())
                perPass += 3 + counter.Count(m.GetProperty("role").GetString()) + counter.Count(m.GetProperty("content").GetString());
        }
        Assert.Equal(perPass * 3, job.TrainedTokens);
    }

    [Fact]
    public async Task Auto_hyperparameters_resolve_from_the_data_once_the_files_are_validated()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(20));
        var job = await h.CreateAsync(file.Id);
        Assert.True(job.Method!.Supervised!.Hyperparameters!.NEpochs!.Value.IsAuto);
        job = await h.RunUntilAsync(job.Id, "queued", "running");
        var hp = job.Method!.Supervised!.Hyperparameters!;
        Assert.Equal(5, hp.NEpochs!.Value.Number);          // 100 / 20 examples
        Assert.Equal(1, hp.BatchSize!.Value.Number);        // 0.2% of 20, at least 1
        Assert.Equal(1.8, hp.LearningRateMultiplier!.Value.Number);
    }

    [Fact]
    public async Task Losses_fall_with_training_and_a_seeded_run_repeats_exactly()
    {
        async Task<double[]> Run()
        {
            using var h = new Harness(new EmulatorOptions { ManualClock = true, Seed = 9 });
            var file = await h.UploadAsync(Harness.ChatLines(16));
            var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 4, batch: 4, seed: 77)).Id, "succeeded");
            return (await h.AllEventsAsync(job.Id)).Where(e => e.Type == "metrics")
                .OrderBy(e => e.Metrics!.Step).Select(e => e.Metrics!.TrainLoss!.Value).ToArray();
        }
        var first = await Run();
        var second = await Run();
        Assert.Equal(16, first.Length);
        Assert.Equal(first, second);
        Assert.True(first.Skip(12).Average() < first.Take(4).Average() / 2,
            $"Loss should fall: first epoch {first.Take(4).Average():0.###}, last {first.Skip(12).Average():0.###}.");
    }

    [Fact]
    public async Task A_higher_learning_rate_multiplier_learns_faster()
    {
        async Task<double> LastEpochLoss(double lr)
        {
            using var h = new Harness();
            var file = await h.UploadAsync(Harness.ChatLines(12));
            var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 2, batch: 4, lr: lr, seed: 3)).Id, "succeeded");
            return (await h.AllEventsAsync(job.Id)).Where(e => e.Type == "metrics" && e.Metrics!.Step > 3).Average(e => e.Metrics!.TrainLoss!.Value);
        }
        Assert.True(await LastEpochLoss(4) < await LastEpochLoss(0.2));
    }

    [Fact]
    public async Task Checkpoints_are_kept_for_the_last_three_epochs_and_the_result_file_is_base64_csv()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var valid = await h.UploadAsync(Harness.ChatLines(5, "shape"), "valid.jsonl");
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 5, batch: 5, validation: valid.Id)).Id, "succeeded");

        var checkpoints = (await h.Client.Jobs.ListCheckpointsAsync(job.Id, null, 10)).Data;
        Assert.Equal(new long?[] { 10, 8, 6 }, checkpoints.Select(c => c.StepNumber));
        Assert.Equal(job.FineTunedModel, checkpoints[0].FineTunedModelCheckpoint);
        Assert.EndsWith(":ckpt-step-8", checkpoints[1].FineTunedModelCheckpoint);
        Assert.NotNull(checkpoints[0].Metrics!.FullValidLoss);

        var result = await h.Client.Files.GetAsync(job.ResultFiles![0]);
        Assert.Equal("fine-tune-results", result.Purpose);
        using var content = new MemoryStream();
        await h.Client.Files.DownloadContentAsync(result.Id, content);
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(content.ToArray())));
        var rows = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy", rows[0]);
        Assert.Equal(11, rows.Length);
        var events = await h.AllEventsAsync(job.Id);
        var step10 = events.Single(e => e.Metrics?.Step == 10).Metrics!;
        var cells = rows[10].Split(',');
        Assert.Equal(step10.TrainLoss!.Value, double.Parse(cells[1], CultureInfo.InvariantCulture), 4);
        Assert.Equal(step10.ValidLoss!.Value, double.Parse(cells[3], CultureInfo.InvariantCulture), 4);
    }

    [Fact]
    public async Task Pause_and_resume_go_through_paused_and_queued_and_the_job_still_finishes()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(12));
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 3)).Id, "running");
        var paused = await h.Client.Jobs.PauseAsync(job.Id);
        Assert.Equal("paused", paused.Status);
        h.Emulator.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("paused", (await h.Client.Jobs.GetAsync(job.Id)).Status);
        Assert.Equal("queued", (await h.Client.Jobs.ResumeAsync(job.Id)).Status);
        Assert.Equal("succeeded", (await h.RunUntilAsync(job.Id, "succeeded", "failed")).Status);
    }

    [Theory]
    [InlineData("cancel", "succeeded")]
    [InlineData("pause", "validating_files")]
    [InlineData("resume", "running")]
    public async Task Invalid_transitions_are_400_naming_the_status(string action, string status)
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var job = await h.CreateAsync(file.Id, epochs: 1);
        if (status != "validating_files") job = await h.RunUntilAsync(job.Id, status);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => action switch
        {
            "cancel" => h.Client.Jobs.CancelAsync(job.Id),
            "pause" => h.Client.Jobs.PauseAsync(job.Id),
            _ => h.Client.Jobs.ResumeAsync(job.Id),
        });
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"Cannot {action} a job in status '{status}'", ex.Message);
    }

    [Fact]
    public async Task Cancel_ends_a_running_job()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 3)).Id, "running");
        var cancelled = await h.Client.Jobs.CancelAsync(job.Id);
        Assert.Equal("cancelled", cancelled.Status);
        h.Emulator.Clock.Advance(TimeSpan.FromDays(1));
        var later = await h.Client.Jobs.GetAsync(job.Id);
        Assert.Equal("cancelled", later.Status);
        Assert.Null(later.FineTunedModel);
    }
}
