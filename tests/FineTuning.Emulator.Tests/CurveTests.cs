using FineTuning.Client;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>
/// The curves the trained model reports: measured, so they follow the data. Validation loss is taken on the same fixed
/// sample every step (no jumps from one sample to the next), falls on a healthy run and rises only when the data
/// invites overfitting (many epochs on few examples).
/// </summary>
public class CurveTests
{
    private static string[] Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "data", name);
            if (File.Exists(candidate)) return File.ReadAllLines(candidate);
        }
        throw new FileNotFoundException($"examples/data/{name} was not found above {AppContext.BaseDirectory}.");
    }

    private static async Task<(List<StepMetrics> Steps, List<FineTuningCheckpoint> Checkpoints)> Run(IEnumerable<string> train, int epochs)
    {
        using var h = new Harness(new EmulatorOptions { ManualClock = true, Seed = 7 });
        var t = await h.UploadAsync(train);
        var v = await h.UploadAsync(Example("validation.jsonl"), "validation.jsonl");
        var job = await h.RunUntilAsync((await h.CreateAsync(t.Id, epochs: epochs, seed: 42, validation: v.Id)).Id, "succeeded", "failed");
        Assert.Equal("succeeded", job.Status);
        var steps = (await h.AllEventsAsync(job.Id)).Where(e => e.Type == "metrics").Select(e => e.Metrics!).OrderBy(m => m.Step).ToList();
        var checkpoints = (await h.Client.Jobs.ListCheckpointsAsync(job.Id, null, 10)).Data!.OrderBy(c => c.StepNumber).ToList();
        return (steps, checkpoints);
    }

    [Fact]
    public async Task The_demo_run_is_healthy_validation_loss_falls_without_jumps()
    {
        // The README demo: 20 examples, 3 epochs.
        var (steps, checkpoints) = await Run(Example("train.jsonl"), 3);
        var valid = steps.Select(s => s.ValidLoss!.Value).ToList();
        for (var i = 1; i < valid.Count; i++)
            Assert.True(valid[i] - valid[i - 1] < 0.25, $"valid_loss jumps from {valid[i - 1]:0.00} to {valid[i]:0.00} at step {i + 1}");
        Assert.True(valid[^1] < valid[0] - 0.5, $"valid_loss went from {valid[0]:0.00} to {valid[^1]:0.00}");

        var full = steps.Where(s => s.FullValidLoss.HasValue).Select(s => s.FullValidLoss!.Value).ToList();
        Assert.Equal(3, full.Count);
        for (var i = 1; i < full.Count; i++) Assert.True(full[i] <= full[i - 1], $"full_valid_loss rose from {full[i - 1]:0.000} to {full[i]:0.000} after epoch {i + 1}");

        // The checkpoints tell the same story: training loss falls and validation loss does not rise.
        Assert.Equal(3, checkpoints.Count);
        for (var i = 1; i < checkpoints.Count; i++)
        {
            Assert.True(checkpoints[i].Metrics!.TrainLoss < checkpoints[i - 1].Metrics!.TrainLoss);
            Assert.True(checkpoints[i].Metrics!.ValidLoss <= checkpoints[i - 1].Metrics!.ValidLoss,
                $"checkpoint {checkpoints[i].StepNumber}: valid_loss {checkpoints[i].Metrics!.ValidLoss:0.000} after {checkpoints[i - 1].Metrics!.ValidLoss:0.000}");
        }
    }

    [Fact]
    public async Task Many_epochs_on_few_examples_overfit_and_the_curve_shows_it()
    {
        var (steps, _) = await Run(Example("train.jsonl").Take(10), 20);
        var full = steps.Where(s => s.FullValidLoss.HasValue).Select(s => s.FullValidLoss!.Value).ToList();
        Assert.Equal(20, full.Count);
        var best = full.IndexOf(full.Min());
        Assert.True(best < 5, $"the validation loss was lowest after epoch {best + 1}");
        Assert.True(full[^1] > full[best] + 0.2, $"full_valid_loss went from its best {full[best]:0.000} to {full[^1]:0.000}");

        // Meanwhile the training loss keeps falling: the model learns the examples, not the task.
        var perEpoch = steps.GroupBy(s => (s.Step!.Value - 1) / (steps.Count / 20)).Select(g => g.Average(s => s.TrainLoss!.Value)).ToList();
        Assert.True(perEpoch[^1] < perEpoch[best], $"train_loss {perEpoch[best]:0.00} at the best epoch, {perEpoch[^1]:0.00} at the end");
    }
}
