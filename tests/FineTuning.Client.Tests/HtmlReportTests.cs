using System.Text.Json;
using System.Xml;
using FineTuning.Client.Json;
using Xunit;

namespace FineTuning.Client.Tests;

public class HtmlReportTests
{
    private static FineTuningJob Job(string id, string suffix, string? error = null) => JsonSerializer.Deserialize(
        "{\"id\":\"" + id + "\",\"created_at\":1000,\"finished_at\":1600,\"model\":\"gpt-4o-mini-2024-07-18\",\"status\":\"" + (error is null ? "succeeded" : "failed") + "\"," +
        "\"user_provided_suffix\":\"" + suffix + "\",\"validation_file\":\"file-v\"" +
        (error is null ? string.Empty : ",\"error\":{\"code\":\"server_error\",\"message\":" + JsonSerializer.Serialize(error) + "}") + "}",
        ClientJsonContext.Default.FineTuningJob)!;

    private static List<MetricRow> Rows(int steps, double scale) => Enumerable.Range(1, steps)
        .Select(s => new MetricRow { Step = s, TrainLoss = scale / s, ValidLoss = scale * 1.1 / s, TrainAccuracy = 1 - 1.0 / (s + 1) }).ToList();

    private static (XmlDocument Doc, XmlNamespaceManager Ns, string Html) Build(params ReportJob[] jobs)
    {
        var html = HtmlReport.Build(jobs, null, new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero));
        var doc = new XmlDocument();
        doc.LoadXml(html.Replace("<!DOCTYPE html>", string.Empty));
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("h", "http://www.w3.org/1999/xhtml");
        ns.AddNamespace("s", "http://www.w3.org/2000/svg");
        return (doc, ns, html);
    }

    [Fact]
    public void Every_job_gets_a_curve_per_series_in_its_own_color_on_shared_axes()
    {
        var checkpoint = new FineTuningCheckpoint { Id = "cp", StepNumber = 5, Metrics = new StepMetrics { Step = 5, TrainLoss = 0.4 } };
        var (doc, ns, html) = Build(new ReportJob(Job("ftjob-a", "a"), Rows(10, 2), new[] { checkpoint }, null), new ReportJob(Job("ftjob-b", "b"), Rows(20, 4), null, null));
        Assert.Equal(4, doc.SelectNodes("//h:figure[@id='chart-loss']//s:path[contains(@class,'series')]", ns)!.Count);
        Assert.Equal(2, doc.SelectNodes("//h:figure[@id='chart-accuracy']//s:path[contains(@class,'series')]", ns)!.Count);   // no valid accuracy
        var a = ((XmlElement)doc.SelectSingleNode("//h:figure[@id='chart-loss']//s:path[@data-job='ftjob-a'][@data-series='train']", ns)!).GetAttribute("stroke");
        var b = ((XmlElement)doc.SelectSingleNode("//h:figure[@id='chart-loss']//s:path[@data-job='ftjob-b'][@data-series='valid']", ns)!).GetAttribute("stroke");
        Assert.Equal(HtmlReport.Color(0), a);
        Assert.Equal(HtmlReport.Color(1), b);
        // Shared axes: the x ticks run to job b's last step, the y ticks cover job b's highest loss.
        var xTicks = doc.SelectNodes("//h:figure[@id='chart-loss']//s:text[@class='tick x']", ns)!.Cast<XmlNode>().Select(n => double.Parse(n.InnerText, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(xTicks.Max() >= 20);
        var yTicks = doc.SelectNodes("//h:figure[@id='chart-loss']//s:text[@class='tick y']", ns)!.Cast<XmlNode>().Select(n => double.Parse(n.InnerText, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(yTicks.Max() >= 4.4 && yTicks.Min() <= 0.1);
        Assert.Single(doc.SelectNodes("//h:figure[@id='chart-loss']//s:circle[@class='checkpoint'][@data-job='ftjob-a'][@data-step='5']", ns)!.Cast<XmlNode>());
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void Text_from_the_service_is_encoded_and_control_characters_removed()
    {
        var (doc, ns, html) = Build(new ReportJob(Job("ftjob-x", "<b>", "bad <img src=x onerror=alert(1)> & \u001b[31mred"), Rows(3, 1), null, null));
        var at = html.IndexOf("<img", StringComparison.Ordinal);
        Assert.True(at < 0, at < 0 ? "" : html.Substring(Math.Max(0, at - 200), 300));
        Assert.Equal(-1, html.IndexOf((char)0x1b));
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; &amp;", html);
        Assert.Contains("bad <img", doc.SelectSingleNode("//h:ul[@class='errors']/h:li", ns)!.InnerText);
    }

    [Fact]
    public void A_job_without_metrics_says_so_instead_of_drawing()
    {
        var (doc, ns, _) = Build(new ReportJob(Job("ftjob-e", "e"), Array.Empty<MetricRow>(), null, null));
        Assert.Empty(doc.SelectNodes("//s:path", ns)!.Cast<XmlNode>());
        Assert.Contains("No job reported loss values.", doc.SelectSingleNode("//h:figure[@id='chart-loss']", ns)!.InnerText);
    }

    [Theory]
    [InlineData(0.0, 9.7, 0, 2)]
    [InlineData(0.13, 0.87, 0, 0.2)]
    [InlineData(1, 250, 0, 50)]
    [InlineData(5, 5, 4.4, 0.2)]
    public void Ticks_are_round_numbers_that_cover_the_range(double min, double max, double start, double step)
    {
        var (s, st, count) = HtmlReport.NiceTicks(min, max);
        Assert.Equal(start, s, 9);
        Assert.Equal(step, st, 9);
        Assert.True(s <= min && s + st * (count - 1) >= max - 1e-9);
    }

    [Fact]
    public void Long_series_are_thinned_to_the_limit()
    {
        var (doc, ns, _) = Build(new ReportJob(Job("ftjob-l", "l"), Rows(5000, 1), null, null));
        var d = ((XmlElement)doc.SelectSingleNode("//h:figure[@id='chart-loss']//s:path[@data-series='train']", ns)!).GetAttribute("d");
        Assert.Equal(HtmlReport.MaxPointsPerCurve, d.Count(c => c == 'M' || c == 'L'));
    }
}
