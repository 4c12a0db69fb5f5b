using System.Text;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

/// <summary>Rules beyond the one-file-per-code corpus: one bad line among ten good ones.</summary>
public class RuleTests
{
    private static DatasetReport WithLine(string file, string badLine, DatasetValidationOptions? options = null)
    {
        var lines = File.ReadAllLines(TestData.Path("valid", file)).Take(10).ToList();
        lines.Insert(5, badLine); // line 6
        return DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")), file, options);
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}]}""", "InvalidContentType", "messages[1].content[0]")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "max"}}]}, {"role": "assistant", "content": "ok"}]}""", "InvalidContentType", "messages[0].content[0].image_url.detail")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "image_url"}]}, {"role": "assistant", "content": "ok"}]}""", "InvalidContentType", "messages[0].content[0].image_url")]
    [InlineData("""{"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "ok"}]}""", "InvalidContentType", "messages[0].content")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi", "weight": 1}, {"role": "assistant", "content": "ok"}]}""", "InvalidWeight", "messages[0].weight")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok", "weight": "1"}]}""", "InvalidWeight", "messages[1].weight")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": "42"}, {"role": "assistant", "content": "ok"}]}""", "InvalidToolCall", "messages[1]")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi", "tool_calls": []}, {"role": "assistant", "content": "ok"}]}""", "InvalidToolCall", "messages[0].tool_calls")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{}"}}]}]}""", "InvalidToolCall", "messages[1].tool_calls[0].id")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": null}]}""", "MissingContent", "messages[1].content")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}], "parallel_tool_calls": "yes"}""", "InvalidFieldType", "parallel_tool_calls")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}], "metadata": {"a": 1}}""", "UnrecognizedKey", "metadata")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}], "tools": {"type": "function"}}""", "InvalidTool", "tools")]
    [InlineData("""{"messages": [{"role": 7, "content": "hi"}, {"role": "assistant", "content": "ok"}]}""", "MissingRole", "messages[0].role")]
    [InlineData("""{"messages": "hello"}""", "MissingMessages", "messages")]
    public void A_chat_rule_is_reported_at_its_line_and_field(string line, string code, string path)
    {
        var report = WithLine("chat.jsonl", line);
        var f = Assert.Single(report.Findings);
        Assert.Equal((code, 6L, path), (f.Code, f.LineNumber, f.FieldPath));
        Assert.Equal(10, report.ValidExamples);
        Assert.Equal(1, report.InvalidExamples);
    }

    [Theory]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x"}}]}]}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "InvalidContentType", "input.messages[0].content[0]")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_completion": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "UnrecognizedKey", "preferred_completion")]
    [InlineData("""{"input": {}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "InvalidPreferenceInput", "input.messages")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "MissingPreferredOutput", "preferred_output")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": "b"}""", "MissingNonPreferredOutput", "non_preferred_output")]
    public void A_preference_rule_is_reported_at_its_line_and_field(string line, string code, string path)
    {
        var report = WithLine("preference.jsonl", line, new DatasetValidationOptions { Method = TrainingMethod.Dpo });
        var f = report.Findings.First(x => x.Severity == FindingSeverity.Error);
        Assert.Equal((code, 6L, path), (f.Code, f.LineNumber, f.FieldPath));
        Assert.Equal(1, report.InvalidExamples);
        if (code == "UnrecognizedKey") Assert.Contains("preferred_output", f.Message); // tells how to fix
    }

    [Fact]
    public void Reinforcement_allows_free_keys_but_not_the_function_role()
    {
        var ok = WithLine("reinforcement.jsonl", """{"messages": [{"role": "user", "content": "2+2?"}], "answer": 4, "meta": {"x": [1]}}""");
        Assert.Empty(ok.Findings);
        Assert.Equal(DatasetFormat.Reinforcement, ok.Format);

        var bad = WithLine("reinforcement.jsonl", """{"messages": [{"role": "function", "name": "f", "content": "x"}, {"role": "user", "content": "2+2?"}]}""",
            new DatasetValidationOptions { Method = TrainingMethod.Reinforcement });
        var f = Assert.Single(bad.Findings);
        Assert.Equal((FindingCodes.UnknownRole, 6L, "messages[0].role"), (f.Code, f.LineNumber, f.FieldPath));
    }

    [Fact]
    public void A_reasoning_model_reads_messages_files_as_reinforcement()
    {
        var report = DatasetValidator.Validate(TestData.Path("valid", "reinforcement.jsonl"), new DatasetValidationOptions { Model = "o4-mini-2025-04-16" });
        Assert.Equal(DatasetFormat.Reinforcement, report.Format);
        Assert.Empty(report.Findings);
        Assert.Equal(0, report.EstimatedBilledTokens);
        Assert.True(report.Tokens.Total > 0);
        Assert.Equal(0, report.Tokens.TargetTokens);
    }

    [Fact]
    public void Mixed_files_report_format_mixed_and_fit_no_method()
    {
        var report = DatasetValidator.Validate(TestData.Path("invalid", "MixedFormats.jsonl"));
        Assert.Equal(DatasetFormat.Mixed, report.Format);
        Assert.False(report.FitsMethod);
        Assert.False(report.IsValid);
    }

    [Fact]
    public void Weight_zero_assistant_messages_are_not_trained()
    {
        var one = """{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "first answer"}, {"role": "user", "content": "again"}, {"role": "assistant", "content": "second answer"}]}""";
        var zero = one.Replace("\"content\": \"first answer\"}", "\"content\": \"first answer\", \"weight\": 0}");
        var c = TokenCounter.ForEncoding(TokenCounter.O200kBase);
        var a = DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(one)), "a");
        var b = DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(zero)), "b");
        Assert.Equal(c.Count("first answer") + c.Count("second answer"), a.Tokens.TargetTokens);
        Assert.Equal(c.Count("second answer"), b.Tokens.TargetTokens);
        Assert.Equal(a.Tokens.Total, b.Tokens.Total);
        Assert.Equal(4 * 3 + 2 * c.Count("user") + 2 * c.Count("assistant") + c.Count("hi") + c.Count("again") + a.Tokens.TargetTokens + 3, a.Tokens.Total);
    }

    [Fact]
    public void Names_cost_their_tokens_plus_one()
    {
        var plain = """{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}]}""";
        var named = """{"messages": [{"role": "user", "name": "Ada", "content": "hi"}, {"role": "assistant", "content": "ok"}]}""";
        var c = TokenCounter.ForEncoding(TokenCounter.O200kBase);
        var a = DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(plain)), "a");
        var b = DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(named)), "b");
        Assert.Equal(a.Tokens.Total + c.Count("Ada") + 1, b.Tokens.Total);
    }

    [Fact]
    public void Escaped_strings_count_like_their_decoded_text()
    {
        var escaped = """{"messages": [{"role": "user", "content": "caf\u00e9 \"quoted\"\nnext"}, {"role": "assistant", "content": "ok"}]}""";
        var c = TokenCounter.ForEncoding(TokenCounter.O200kBase);
        var r = DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(escaped)), "a");
        Assert.Equal(2 * 3 + c.Count("user") + c.Count("assistant") + c.Count("café \"quoted\"\nnext") + c.Count("ok") + 3, r.Tokens.Total);
    }

    [Fact]
    public void Finding_text_names_line_column_field_severity_and_code()
    {
        var f = new DatasetFinding(12, FindingSeverity.Error, FindingCodes.InvalidJson, "Bad.", "messages[0]", 7);
        Assert.Equal("line 12, column 7, messages[0]: error InvalidJson: Bad.", f.ToString());
        Assert.Equal("file: warning TooFewExamples: Few.", new DatasetFinding(0, FindingSeverity.Warning, FindingCodes.TooFewExamples, "Few.").ToString());
    }
}

public class DuplicateTests
{
    [Fact]
    public void Duplicates_ignore_json_spacing_but_not_string_content()
    {
        var a = """{"messages": [{"role": "user", "content": "hi there"}, {"role": "assistant", "content": "ok"}]}""";
        var spaced = """  {"messages":[ {"role" :"user","content":"hi there"} ,{"role":"assistant",  "content":"ok"}]}	""";
        var inner = """{"messages": [{"role": "user", "content": "hi  there"}, {"role": "assistant", "content": "ok"}]}""";
        var text = string.Join("\n", new[] { a, spaced, inner, a });
        var report = DatasetValidator.Validate(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "d");
        var dups = report.Findings.Where(f => f.Code == FindingCodes.DuplicateExample).ToList();
        Assert.Equal(new long[] { 2, 4 }, dups.Select(f => f.LineNumber).ToArray());
        Assert.All(dups, f => Assert.Contains("line 1", f.Message));
    }

    [Fact]
    public void First_findings_per_code_keeps_line_order_and_caps_each_code()
    {
        var lines = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? "[" + i + "]" : "{\"prompt\": \"p" + i + "\"}");
        var report = DatasetValidator.Validate(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines))), "d");
        var shown = report.FirstFindingsPerCode(2);
        Assert.Equal(new[] { (1L, "NotAnObject"), (2L, "InvalidPromptCompletion"), (3L, "NotAnObject"), (4L, "InvalidPromptCompletion") },
            shown.Select(f => (f.LineNumber, f.Code)).ToArray());
        Assert.Equal(6, report.FindingCounts[FindingCodes.NotAnObject]);
    }
}
