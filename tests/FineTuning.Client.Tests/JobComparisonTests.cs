using System.Text.Json;
using FineTuning.Client.Json;
using Xunit;

namespace FineTuning.Client.Tests;

public class JobComparisonTests
{
    private static FineTuningJob Job(string id = "ftjob-1", double lr = 0.5, long seed = 3) => JsonSerializer.Deserialize(
        "{\"id\":\"" + id + "\",\"object\":\"fine_tuning.job\",\"created_at\":1000,\"finished_at\":1600,\"model\":\"gpt-4o-mini-2024-07-18\",\"status\":\"succeeded\"," +
        "\"trained_tokens\":1234,\"seed\":" + seed + ",\"user_provided_suffix\":\"s\",\"fine_tuned_model\":\"ft:x\"," +
        "\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"n_epochs\":2,\"batch_size\":4,\"learning_rate_multiplier\":" +
        lr.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}}}", ClientJsonContext.Default.FineTuningJob)!;

    private static readonly MetricRow[] Rows =
    {
        new() { Step = 3, TrainLoss = 0.9, ValidLoss = 1.4, TrainAccuracy = 0.7, ValidMeanTokenAccuracy = 0.5, FullValidLoss = 1.35 },
        new() { Step = 1, TrainLoss = 2.0, ValidLoss = 2.1, TrainAccuracy = 0.2 },
        new() { Step = 2, TrainLoss = 0.8, ValidLoss = 1.2, TrainAccuracy = 0.8, ValidMeanTokenAccuracy = 0.6 },
        new() { Step = 4, TrainLoss = double.NaN },
    };

    [Fact]
    public void Final_and_best_values_come_from_the_rows_in_step_order()
    {
        var row = JobComparisonRow.From(Job(), Rows);
        Assert.Equal(4, row.Steps);
        Assert.Equal(0.9, row.FinalTrainLoss);       // step 4's NaN is no value
        Assert.Equal(0.8, row.BestTrainLoss);
        Assert.Equal(1.4, row.FinalValidLoss);
        Assert.Equal(1.2, row.BestValidLoss);
        Assert.Equal(2, row.BestValidLossStep);
        Assert.Equal(0.7, row.FinalTrainAccuracy);
        Assert.Equal(0.8, row.BestTrainAccuracy);
        Assert.Equal(0.6, row.BestValidAccuracy);
        Assert.Equal(1.35, row.FullValidLoss);
        Assert.Equal(TimeSpan.FromSeconds(600), row.Duration);
        Assert.Equal(1234, row.TrainedTokens);
        Assert.Equal(2, row.Epochs);
        Assert.Equal(0.5, row.LearningRateMultiplier);
        Assert.Equal("SFT", row.MethodCode);
        Assert.Equal("s", row.Suffix);
    }

    [Fact]
    public void A_job_without_metrics_has_no_figures()
    {
        var row = JobComparisonRow.From(Job(), Array.Empty<MetricRow>());
        Assert.Equal(0, row.Steps);
        Assert.Null(row.BestValidLoss);
        Assert.Null(row.BestValidLossStep);
    }

    [Fact]
    public void Setting_differences_name_what_changed_and_ignore_file_ids()
    {
        var a = JobComparisonRow.From(Job("a"), Rows);
        var b = JobComparisonRow.From(Job("b"), Rows);
        b.TrainingFile = "file-other";
        Assert.Empty(JobComparisonRow.SettingDifferences(a, b));
        var c = JobComparisonRow.From(Job("c", lr: 0.25, seed: 9), Rows);
        Assert.Equal(new[] { "LearningRateMultiplier", "Seed" }, JobComparisonRow.SettingDifferences(a, c));
    }
}
