using System.Text;
using System.Text.Json;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

/// <summary>OnExample: the validator's one pass hands over the examples it accepted, in line order, for a caller to use.</summary>
public class ExampleSinkTests
{
    private static string Chat(int i) =>
        $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"question {i}\"}},{{\"role\":\"assistant\",\"content\":\"answer {i}\"}}]}}";

    private static (DatasetReport, List<(long Line, string Text)>) Validate(string text, int? parallelism = null, int maxLineBytes = 64 * 1024 * 1024)
    {
        var seen = new List<(long, string)>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var report = DatasetValidator.Validate(stream, "data.jsonl", new DatasetValidationOptions
        {
            Method = TrainingMethod.Supervised,
            Parallelism = parallelism,
            MaxLineBytes = maxLineBytes,
            OnExample = line => seen.Add((line.LineNumber, Encoding.UTF8.GetString(line.Utf8.Span))),
        });
        return (report, seen);
    }

    [Fact]
    public void Every_valid_example_arrives_once_in_line_order_with_its_line_number_and_bytes()
    {
        var lines = Enumerable.Range(1, 12).Select(Chat).ToList();
        lines.Insert(3, "");                          // a blank line: no example
        lines[6] = "{\"messages\": [oops";            // broken JSON: not handed over
        lines[8] = "{\"messages\":[{\"content\":\"no role\"},{\"role\":\"assistant\",\"content\":\"x\"}]}"; // an error: not handed over
        var (report, seen) = Validate(string.Join("\r\n", lines) + "\n");

        var expected = lines.Select((text, i) => (Line: (long)i + 1, Text: text))
            .Where(l => l.Text.Length > 0 && l.Line != 7 && l.Line != 9).ToList();
        Assert.Equal(expected, seen);
        Assert.Equal(report.ValidExamples, seen.Count);
        foreach (var (_, text) in seen) JsonDocument.Parse(text).Dispose();
    }

    [Fact]
    public void Examples_spread_over_many_blocks_and_workers_keep_their_order()
    {
        // About 3 MB: several 1 MB blocks, checked by two workers, merged in order.
        var lines = Enumerable.Range(1, 30_000).Select(Chat).ToList();
        var (report, seen) = Validate(string.Join("\n", lines), parallelism: 2);
        Assert.True(report.Bytes > 2 * 1024 * 1024);
        Assert.Equal(lines.Count, seen.Count);
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), seen.Select(s => s.Line));
        Assert.Equal(lines, seen.Select(s => s.Text));
    }
}
