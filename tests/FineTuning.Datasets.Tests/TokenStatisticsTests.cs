using System.Text.Json;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

public class TokenStatisticsTests
{
    public static IEnumerable<object[]> Files()
    {
        foreach (var file in new[] { "chat.jsonl", "prompt-completion.jsonl", "preference.jsonl", "reinforcement.jsonl", "multimodal.jsonl", "tools.jsonl" })
            foreach (var model in new[] { "gpt-4o-mini-2024-07-18", "gpt-3.5-turbo-0125" })
                yield return new object[] { file, model };
    }

    // expected-tokens.json is computed by tools/expected-tokens.mjs with the npm tiktoken package.
    [Theory]
    [MemberData(nameof(Files))]
    public void Statistics_equal_an_independent_tiktoken_count(string file, string model)
    {
        var encoding = TokenCounter.EncodingForModel(model);
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("valid", "expected-tokens.json")));
        var expected = doc.RootElement.GetProperty(file).GetProperty(encoding);

        var report = DatasetValidator.Validate(TestData.Path("valid", file), new DatasetValidationOptions { Model = model, Method = Method(file) });
        var t = report.Tokens;

        Assert.Equal(encoding, t.Encoding);
        Assert.Equal(expected.GetProperty("total").GetInt64(), t.Total);
        Assert.Equal(expected.GetProperty("min").GetInt32(), t.Min);
        Assert.Equal(expected.GetProperty("max").GetInt32(), t.Max);
        Assert.Equal(expected.GetProperty("median").GetInt32(), t.Median);
        Assert.Equal(expected.GetProperty("p90").GetInt32(), t.P90);
        Assert.Equal(expected.GetProperty("trained").GetInt64(), t.TargetTokens);
        Assert.Equal((double)t.Total / report.Examples, t.Mean, 9);
        Assert.Equal(0, t.OverLimit);
        if (report.Format == DatasetFormat.Reinforcement)
        {
            // Reinforcement fine-tuning is billed by training time, not tokens.
            Assert.Equal(0, t.BillableTokensPerEpoch);
            Assert.Equal(0, report.EstimatedBilledTokens);
        }
        else
        {
            Assert.Equal(t.Total, t.BillableTokensPerEpoch);
            Assert.Equal(t.Total * report.AutoEpochs, report.EstimatedBilledTokens);
        }
    }

    private static TrainingMethod? Method(string file) => file switch
    {
        "preference.jsonl" => TrainingMethod.Dpo,
        "reinforcement.jsonl" => TrainingMethod.Reinforcement,
        _ => null,
    };

    [Fact]
    public void Billing_caps_each_example_at_the_token_limit_and_counts_it_as_over()
    {
        var path = TestData.Path("valid", "chat.jsonl");
        var full = DatasetValidator.Validate(path);
        var capped = DatasetValidator.Validate(path, new DatasetValidationOptions { TokenLimit = 59, Epochs = 2 });

        Assert.Equal(full.Tokens.Total, capped.Tokens.Total);
        Assert.Equal(59, capped.Tokens.TokenLimit);
        var over = capped.Findings.Where(f => f.Code == FindingCodes.OverTokenLimit).ToList();
        Assert.Equal(capped.Tokens.OverLimit, over.Count);
        Assert.True(over.Count > 0);
        Assert.All(over, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
        Assert.True(capped.IsValid);
        Assert.True(capped.Tokens.BillableTokensPerEpoch < full.Tokens.Total);
        Assert.Equal(full.Tokens.Total - ExcessOver(path, 59), capped.Tokens.BillableTokensPerEpoch);
        Assert.Equal(2, capped.Epochs);
        Assert.Equal(capped.Tokens.BillableTokensPerEpoch * 2, capped.EstimatedBilledTokens);
    }

    [Fact]
    public void The_cost_estimate_is_the_billed_tokens_at_the_given_price_and_absent_without_one()
    {
        var path = TestData.Path("valid", "chat.jsonl");
        var none = DatasetValidator.Validate(path, new DatasetValidationOptions { Epochs = 4 });
        Assert.Null(none.EstimatedCost);
        Assert.Null(none.PricePerMillionTokens);

        var priced = DatasetValidator.Validate(path, new DatasetValidationOptions { Epochs = 4, PricePerMillionTokens = 3m });
        Assert.Equal(none.EstimatedBilledTokens, priced.EstimatedBilledTokens);
        Assert.Equal(3m, priced.PricePerMillionTokens);
        // Exact in decimal: tokens x 3 / 1,000,000, no rounding.
        Assert.Equal(priced.EstimatedBilledTokens * 3m / 1_000_000m, priced.EstimatedCost);
        Assert.True(priced.EstimatedCost > 0m);

        var free = DatasetValidator.Validate(path, new DatasetValidationOptions { PricePerMillionTokens = 0m });
        Assert.Equal(0m, free.EstimatedCost);
    }

    [Fact]
    public void Reinforcement_files_get_no_token_cost_estimate_since_they_are_billed_by_time()
    {
        var report = DatasetValidator.Validate(TestData.Path("valid", "reinforcement.jsonl"),
            new DatasetValidationOptions { Method = TrainingMethod.Reinforcement, PricePerMillionTokens = 3m });
        Assert.Equal(0, report.EstimatedBilledTokens);
        Assert.Null(report.EstimatedCost);
    }

    [Fact]
    public void A_negative_price_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            DatasetValidator.Validate(TestData.Path("valid", "chat.jsonl"), new DatasetValidationOptions { PricePerMillionTokens = -1m }));
        Assert.Contains("PricePerMillionTokens", ex.Message);
    }

    // Tokens above the limit, summed over examples, from per-line reports of single-line files.
    private static long ExcessOver(string path, int limit)
    {
        long excess = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            using var ms = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            var one = DatasetValidator.Validate(ms, "one", new DatasetValidationOptions());
            excess += Math.Max(0, one.Tokens.Total - limit);
        }
        return excess;
    }

    [Theory]
    [InlineData(1, 25)]
    [InlineData(4, 25)]
    [InlineData(5, 20)]
    [InlineData(10, 10)]
    [InlineData(33, 3)]
    [InlineData(34, 3)]
    [InlineData(100, 3)]
    [InlineData(8333, 3)]
    [InlineData(8334, 2)]
    [InlineData(25000, 1)]
    [InlineData(1000000, 1)]
    [InlineData(0, 0)]
    public void Auto_epochs_follow_the_documented_heuristic(long examples, int epochs) =>
        Assert.Equal(epochs, EpochHeuristic.AutoEpochs(examples));

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", 65536)]
    [InlineData("gpt-4o-2024-08-06", 65536)]
    [InlineData("gpt-3.5-turbo-0125", 16385)]
    [InlineData("gpt-3.5-turbo-1106", 16385)]
    [InlineData("gpt-3.5-turbo-0613", 4096)]
    [InlineData("ft:gpt-3.5-turbo-0613:acme::abc12345", 4096)]
    public void Default_token_limit_follows_the_model(string model, int limit) =>
        Assert.Equal(limit, DatasetValidator.DefaultTokenLimit(model));
}
