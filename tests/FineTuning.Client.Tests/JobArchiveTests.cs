using System.Net;
using System.Text;
using Xunit;

namespace FineTuning.Client.Tests;

public class JobArchiveTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "archive-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    private const string HostileJob = """
        {"id":"../../escaped","object":"fine_tuning.job","created_at":1,"model":"gpt-4o-mini-2024-07-18","status":"succeeded",
         "training_file":"../../../etc/passwd","validation_file":"..","result_files":["..\\..\\x"]}
        """;

    [Fact]
    public async Task Names_from_the_service_never_leave_the_archive_folder()
    {
        using var test = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, HostileJob));
        var archiver = new JobArchiver(test.Client, _root, includeData: true);
        var (json, job) = await archiver.GetJobAsync("any", default);
        Assert.Equal(HostileJob, Encoding.UTF8.GetString(json));   // kept exactly as the service sent it
        var folder = archiver.FolderOf(job.Id);
        Assert.Equal(Path.Combine(Path.GetFullPath(_root), "escaped"), folder);
        var items = archiver.Plan(job, json);
        foreach (var item in items)
        {
            var full = archiver.PathOf(job.Id, item);
            Assert.StartsWith(folder + Path.DirectorySeparatorChar, full);
            Assert.DoesNotContain(item.Name.Split('/'), segment => segment == ".." || segment == "." || segment.Contains('\\'));
        }
        Assert.Contains(items, i => i.Name == "data/training-passwd.jsonl");
        Assert.Contains(items, i => i.Name == "results/x.csv");
        Assert.DoesNotContain(items, i => i.Name.StartsWith("data/validation"));   // ".." leaves no name to write
        Assert.All(items, i => Assert.True(i.Refresh || i.Name.StartsWith("data/") || i.Name.StartsWith("results/")));
    }

    [Fact]
    public void A_job_id_that_leaves_no_usable_name_is_refused()
    {
        using var test = new TestClient(new FakeHandler());
        var archiver = new JobArchiver(test.Client, _root, includeData: false);
        Assert.Throws<UnsafeFileNameException>(() => archiver.FolderOf(".."));
        Assert.Throws<UnsafeFileNameException>(() => archiver.FolderOf("a/"));
    }

    [Fact]
    public async Task A_job_body_that_is_not_a_job_is_a_protocol_error_and_a_huge_one_is_cut_off()
    {
        using var test = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, "[1,2]").Then(HttpStatusCode.OK, "{\"id\":\"" + new string('a', JobArchiver.MaxJobBytes) + "\"}"));
        var archiver = new JobArchiver(test.Client, _root, includeData: false);
        await Assert.ThrowsAsync<FineTuningProtocolException>(() => archiver.GetJobAsync("x", default));
        var ex = await Assert.ThrowsAsync<FineTuningProtocolException>(() => archiver.GetJobAsync("x", default));
        Assert.Contains("larger than", ex.Message);
    }

    [Fact]
    public void Metric_csv_reads_back_as_the_same_rows()
    {
        var rows = new[]
        {
            new MetricRow { Step = 1, TrainLoss = 2.5, TrainAccuracy = 0.1 },
            new MetricRow { Step = 2, TrainLoss = 1.25, ValidLoss = 1.5, ValidMeanTokenAccuracy = 0.75, FullValidLoss = 1.4 },
        };
        var back = ResultFile.Parse(MetricCsv.Write(rows));
        Assert.Equal(2, back.Count);
        Assert.Equal(2.5, back[0].TrainLoss);
        Assert.Null(back[0].ValidLoss);
        Assert.Equal(0.75, back[1].ValidMeanTokenAccuracy);
        Assert.Equal(1.4, back[1].FullValidLoss);
        Assert.StartsWith(MetricCsv.Header + "\n1,2.5,0.1,,,,\n", MetricCsv.Write(rows));
    }
}
