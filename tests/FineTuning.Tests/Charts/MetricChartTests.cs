using FineTuning.Client;
using FineTuning.Commands;
using Xunit;

namespace FineTuning.Tests;

public class MetricChartTests
{
    private static MetricRow Row(long step, double? train, double? valid = null) => new() { Step = step, TrainLoss = train, ValidLoss = valid };

    [Fact]
    public void A_falling_loss_runs_from_the_top_left_to_the_bottom_right_with_its_range_on_the_axis()
    {
        var rows = Enumerable.Range(1, 11).Select(i => Row(i, 2.0 - (i - 1) * 0.2)).ToList();
        var lines = MetricChart.Render(rows, new[] { "TrainLoss" }, width: 40, height: 11, title: "ftjob-1");

        Assert.Equal(1 + 11 + 2, lines.Count);
        Assert.Equal("ftjob-1  * TrainLoss", lines[0]);
        // Labels: the maximum on the top line, the minimum on the bottom line, the middle line's own value.
        Assert.StartsWith("2 |*", lines[1]);
        Assert.StartsWith("0 |", lines[11]);
        Assert.EndsWith("*", lines[11]);
        Assert.StartsWith("1 |", lines[6]);
        // One mark per plot line, moving right as it goes down: a straight falling line.
        var columns = lines.Skip(1).Take(11).Select(l => l.IndexOf('*')).ToList();
        Assert.All(columns, c => Assert.True(c > 0));
        Assert.Equal(columns.OrderBy(c => c), columns);
        Assert.Equal("  +" + new string('-', 37), lines[12]);
        Assert.StartsWith("   step 1", lines[13]);
        Assert.EndsWith(" 11", lines[13]);
        Assert.All(lines, l => Assert.True(l.Length <= 40, l));
    }

    [Fact]
    public void Two_series_get_their_own_marks_and_meet_as_a_hash()
    {
        var rows = new[] { Row(1, 1.0, 1.0), Row(2, 0.5, 0.75), Row(3, 0.0, 0.5) };
        var lines = MetricChart.Render(rows, new[] { "TrainLoss", "ValidLoss" }, width: 30, height: 5);
        Assert.Equal("* TrainLoss  o ValidLoss", lines[0]);
        var plot = string.Join("\n", lines.Skip(1).Take(5));
        Assert.Contains("#", plot);   // both at 1.0 on step 1
        Assert.Contains("o", plot);
        Assert.Contains("*", plot);
        Assert.StartsWith("  1 |#", lines[1]);   // labels are right-aligned to the widest, "0.5"
    }

    [Fact]
    public void Steps_that_share_a_column_are_averaged()
    {
        // 1,000 steps on 20 columns: alternating 0 and 1 average to the middle, not to a band of marks.
        var rows = Enumerable.Range(1, 1000).Select(i => Row(i, i % 2)).Append(Row(1001, 0)).Append(Row(1002, 1)).ToList();
        var lines = MetricChart.Render(rows, new[] { "TrainLoss" }, width: 26, height: 9);
        var marksPerLine = lines.Skip(1).Take(9).Select(l => l.Count(c => c == '*')).ToList();
        Assert.True(marksPerLine[4] >= 15, string.Join("\n", lines));
    }

    [Fact]
    public void Metrics_without_values_are_left_out_and_nothing_at_all_gives_no_lines()
    {
        var rows = new[] { Row(1, 0.5), Row(2, 0.4) };
        Assert.Equal("* TrainLoss", MetricChart.Render(rows, new[] { "TrainLoss", "ValidLoss" }, 30, 5)[0]);
        Assert.Empty(MetricChart.Render(rows, new[] { "ValidLoss" }, 30, 5));
        Assert.Throws<ArgumentException>(() => MetricChart.Render(rows, new[] { "Loss" }, 30, 5));
    }

    [Fact]
    public void A_flat_line_sits_in_the_middle()
    {
        var lines = MetricChart.Render(new[] { Row(1, 0.3), Row(5, 0.3) }, new[] { "TrainLoss" }, 30, 5);
        Assert.Equal(2, lines[3].Count(c => c == '*'));
    }
}

public class MetricChartOverlayTests
{
    private static IEnumerable<MetricRow> Line(int steps, double from, double to) =>
        Enumerable.Range(0, steps).Select(i => new MetricRow { Step = i + 1, TrainLoss = from + (to - from) * i / (steps - 1), ValidLoss = i % 2 == 0 ? from : null });

    [Fact]
    public void Jobs_share_the_axes_and_get_a_mark_each()
    {
        var lines = MetricChart.RenderOverlay(new[] { ("ftjob-a", Line(10, 4, 2)), ("ftjob-b", Line(20, 3, 1)) }, new[] { "TrainLoss" }, width: 40, height: 5);
        Assert.Equal("* ftjob-a  o ftjob-b", lines[0]);
        Assert.StartsWith("  4 |*", lines[1]);                    // the highest value of all jobs is the top
        Assert.StartsWith("  1 |", lines[5]);                     // the lowest is the bottom
        Assert.EndsWith("o", lines[5]);                         // job b reaches it at the last step of all
        Assert.Contains('*', string.Concat(lines.Skip(1).Take(5)));
        Assert.EndsWith("20", lines[7]);
    }

    [Fact]
    public void With_several_metrics_each_series_is_named_by_job_and_metric_and_the_legend_wraps()
    {
        var lines = MetricChart.RenderOverlay(new[] { ("ftjob-aaaaaaaaaa", Line(4, 2, 1)), ("ftjob-bbbbbbbbbb", Line(4, 3, 1)) }, new[] { "TrainLoss", "ValidLoss" }, width: 60, height: 4);
        Assert.Equal("* ftjob-aaaaaaaaaa TrainLoss  o ftjob-aaaaaaaaaa ValidLoss", lines[0]);
        Assert.Equal("+ ftjob-bbbbbbbbbb TrainLoss  x ftjob-bbbbbbbbbb ValidLoss", lines[1]);
        Assert.All(lines, l => Assert.True(l.Length <= 60));
        Assert.Empty(MetricChart.RenderOverlay(new[] { ("a", Line(3, 1, 2)) }, new[] { "FullValidLoss" }, 40, 4));
    }
}
