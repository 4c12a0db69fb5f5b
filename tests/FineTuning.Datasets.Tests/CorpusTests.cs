using System.Text.Json;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

public class CorpusTests
{
    public static IEnumerable<object[]> InvalidCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("invalid", "cases.json")));
        foreach (var c in doc.RootElement.EnumerateArray())
            yield return new object[] { c.GetProperty("code").GetString()! };
    }

    private static JsonElement Case(string code)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("invalid", "cases.json")));
        foreach (var c in doc.RootElement.EnumerateArray())
            if (c.GetProperty("code").GetString() == code) return c.Clone();
        throw new InvalidOperationException(code);
    }

    private static DatasetValidationOptions OptionsOf(JsonElement c)
    {
        var o = new DatasetValidationOptions();
        if (c.TryGetProperty("method", out var m)) o.Method = Enum.Parse<TrainingMethod>(m.GetString()!);
        if (c.TryGetProperty("model", out var model)) o.Model = model.GetString();
        if (c.TryGetProperty("maxLineBytes", out var max)) o.MaxLineBytes = max.GetInt32();
        return o;
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Each_broken_file_reports_its_code_on_its_line_and_nothing_else(string code)
    {
        var c = Case(code);
        var report = DatasetValidator.Validate(TestData.Path("invalid", c.GetProperty("file").GetString()!), OptionsOf(c));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(code, finding.Code);
        Assert.Equal(c.GetProperty("line").GetInt64(), finding.LineNumber);
        Assert.Equal(Enum.Parse<FindingSeverity>(c.GetProperty("severity").GetString()!), finding.Severity);
        if (c.TryGetProperty("path", out var path)) Assert.Equal(path.GetString(), finding.FieldPath);
        if (c.TryGetProperty("column", out var col)) Assert.Equal(col.GetInt32(), finding.Column);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.Equal(finding.Severity != FindingSeverity.Error, report.IsValid);
        Assert.Equal(1, report.FindingCounts[code]);
    }

    [Fact]
    public void Every_finding_code_has_a_corpus_file()
    {
        var codes = typeof(FindingCodes).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        var covered = InvalidCases().Select(o => (string)o[0]).ToHashSet();
        Assert.Empty(codes.Except(covered));
        foreach (var code in covered) Assert.True(File.Exists(TestData.Path("invalid", code + ".jsonl")), code);
    }

    [Theory]
    [InlineData("chat.jsonl", DatasetFormat.Chat, TrainingMethod.Supervised)]
    [InlineData("prompt-completion.jsonl", DatasetFormat.PromptCompletion, TrainingMethod.Supervised)]
    [InlineData("preference.jsonl", DatasetFormat.Preference, TrainingMethod.Dpo)]
    [InlineData("reinforcement.jsonl", DatasetFormat.Reinforcement, TrainingMethod.Reinforcement)]
    [InlineData("multimodal.jsonl", DatasetFormat.Chat, TrainingMethod.Supervised)]
    [InlineData("tools.jsonl", DatasetFormat.Chat, TrainingMethod.Supervised)]
    public void Valid_files_pass_with_and_without_their_method(string file, DatasetFormat format, TrainingMethod method)
    {
        foreach (var m in new TrainingMethod?[] { null, method })
        {
            var report = DatasetValidator.Validate(TestData.Path("valid", file), new DatasetValidationOptions { Method = m });
            Assert.True(report.IsValid, string.Join("\n", report.Findings));
            Assert.Empty(report.Findings);
            Assert.Equal(format, report.Format);
            Assert.True(report.FitsMethod);
            Assert.Equal(12, report.Examples);
            Assert.Equal(12, report.ValidExamples);
            Assert.Equal(0, report.InvalidExamples);
            Assert.Equal(new FileInfo(TestData.Path("valid", file)).Length, report.Bytes);
            Assert.Equal(8, report.AutoEpochs); // 12 examples x 3 < 100, so 100 / 12 (integer division)
        }
    }

    [Theory]
    [InlineData("chat.jsonl", TrainingMethod.Dpo)]
    [InlineData("chat.jsonl", TrainingMethod.Reinforcement)]
    [InlineData("preference.jsonl", TrainingMethod.Supervised)]
    [InlineData("reinforcement.jsonl", TrainingMethod.Supervised)]
    [InlineData("prompt-completion.jsonl", TrainingMethod.Dpo)]
    public void A_file_of_another_method_does_not_fit(string file, TrainingMethod method)
    {
        var report = DatasetValidator.Validate(TestData.Path("valid", file), new DatasetValidationOptions { Method = method });
        Assert.False(report.FitsMethod);
        Assert.False(report.IsValid);
        Assert.Contains(report.Findings, f => f.Code is FindingCodes.FormatDoesNotFitMethod or FindingCodes.NoAssistantMessage or FindingCodes.ReinforcementMissingMessages);
    }

    [Theory]
    [InlineData("reinforcement.jsonl", TrainingMethod.Supervised, "reinforcement (messages ending with a user message")]
    [InlineData("chat.jsonl", TrainingMethod.Reinforcement, "chat (messages ending with the assistant's answer)")]
    [InlineData("preference.jsonl", TrainingMethod.Supervised, "preference (")]
    public void The_misfit_names_the_format_the_file_holds(string file, TrainingMethod method, string named)
    {
        var report = DatasetValidator.Validate(TestData.Path("valid", file), new DatasetValidationOptions { Method = method });
        var misfit = Assert.Single(report.Findings, f => f.Code == FindingCodes.FormatDoesNotFitMethod);
        Assert.StartsWith("The file holds " + named, misfit.Message);
    }
}
