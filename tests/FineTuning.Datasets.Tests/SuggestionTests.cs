using System.Text;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

/// <summary>"Did you mean": the closest known names for a value outside a closed set.</summary>
public class SuggestionTests
{
    private static readonly string[] Models = { "gpt-4o-mini-2024-07-18", "gpt-4o-mini", "gpt-4o-2024-08-06", "gpt-4o", "gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", "gpt-3.5-turbo-0125" };

    [Theory]
    [InlineData("gpt-4o-mni", "gpt-4o-mini")]
    [InlineData("gpt-4o-mini-2024-0718", "gpt-4o-mini-2024-07-18")]
    [InlineData("GPT-4o-Mini", "gpt-4o-mini")]
    [InlineData("gpt-4.1-mnii", "gpt-4.1-mini")]
    public void FindsTheModelMeant(string typed, string meant)
    {
        Assert.Equal(meant, Suggestions.Closest(typed, Models)[0]);
    }

    [Fact]
    public void SuggestsNothingForAValueFarFromEveryName()
    {
        Assert.Empty(Suggestions.Closest("llama-3-70b", Models));
        Assert.Equal(string.Empty, Suggestions.DidYouMean("llama-3-70b", Models));
    }

    [Fact]
    public void CountsASwapOfNeighboursAsOneEdit()
    {
        Assert.Equal(1, Suggestions.Distance("assitsant", "assistant"));
        Assert.Equal(1, Suggestions.Distance("usre", "user"));
    }

    [Fact]
    public void SaysSeveralInOneSentence()
    {
        Assert.Equal(" Did you mean 'gpt-4o-mini' or 'gpt-4o'?", Suggestions.DidYouMean("gpt-4o-mi", new[] { "gpt-4o-mini", "gpt-4o", "davinci-002" }));
    }

    private static DatasetReport WithLine(string line)
    {
        var lines = File.ReadAllLines(TestData.Path("valid", "chat.jsonl")).Take(10).ToList();
        lines.Insert(5, line);
        return DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")), "chat.jsonl", null);
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "usr", "content": "hi"}, {"role": "assistant", "content": "ok"}]}""", "UnknownRole", "Did you mean 'user'?")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assitant", "content": "ok"}]}""", "UnknownRole", "Did you mean 'assistant'?")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok", "wieght": 1}]}""", "UnrecognizedKey", "Did you mean 'weight'?")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}], "parallel_tool_cals": false}""", "UnrecognizedKey", "Did you mean 'parallel_tool_calls'?")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "txt", "text": "hi"}]}, {"role": "assistant", "content": "ok"}]}""", "InvalidContentType", "Did you mean 'text'?")]
    public void DatasetFindingsSuggestTheNameMeant(string line, string code, string suggestion)
    {
        var report = WithLine(line);
        var finding = Assert.Single(report.Findings, f => f.Code == code);
        Assert.Contains(suggestion, finding.Message);
    }

    [Fact]
    public void AFindingForAFarOffRoleSuggestsNothing()
    {
        var report = WithLine("""{"messages": [{"role": "narrator", "content": "hi"}, {"role": "assistant", "content": "ok"}]}""");
        var finding = Assert.Single(report.Findings, f => f.Code == "UnknownRole");
        Assert.DoesNotContain("Did you mean", finding.Message);
        Assert.Contains("Use system, developer, user, assistant, tool or function.", finding.Message);
    }
}
