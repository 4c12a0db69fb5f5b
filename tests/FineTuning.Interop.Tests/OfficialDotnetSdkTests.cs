using System.ClientModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Files;
using OpenAI.FineTuning;
using Xunit;
using Xunit.Abstractions;

namespace FineTuning.Interop.Tests;

/// <summary>
/// The official OpenAI .NET SDK against the stand-alone emulator with only its endpoint changed: a whole
/// workflow, including the SDK's own wait for the job, which plans its sleeps from the job's timestamps.
/// </summary>
public class OfficialDotnetSdkTests(ITestOutputHelper output)
{
    private static byte[] TrainingData(int count)
    {
        var sb = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            var line = JsonSerializer.Serialize(new
            {
                messages = new object[]
                {
                    new { role = "system", content = "You answer questions about ticket numbers." },
                    new { role = "user", content = $"Which queue handles ticket {i}?" },
                    new { role = "assistant", content = $"Ticket {i} goes to queue {(i % 3) + 1}." },
                },
            });
            sb.Append(line).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Fact]
    public async Task A_whole_workflow_runs_and_WaitForCompletion_returns_soon_after_the_job_ends()
    {
        using var emulator = EmulatorProcess.Start("--time-scale", "10", "--seed", "21");
        var options = new OpenAIClientOptions { Endpoint = emulator.BaseUri };
        var credential = new ApiKeyCredential("sk-emulator");
        var openai = new OpenAIClient(credential, options);
        var files = openai.GetOpenAIFileClient();
        var fineTuning = openai.GetFineTuningClient();

        var data = TrainingData(12);
        OpenAIFile file = await files.UploadFileAsync(BinaryData.FromBytes(data), "tickets.jsonl", FileUploadPurpose.FineTune);
        Assert.StartsWith("file-", file.Id);
        Assert.Equal(data.Length, file.SizeInBytesLong ?? file.SizeInBytes);

        var job = await fineTuning.FineTuneAsync("gpt-4o-mini-2024-07-18", file.Id, waitUntilCompleted: false,
            new FineTuningOptions
            {
                Suffix = "sdk",
                Seed = 5,
                TrainingMethod = FineTuningTrainingMethod.CreateSupervised(new HyperparameterBatchSize(2), new HyperparameterEpochCount(2), null),
            });
        Assert.StartsWith("ftjob-", job.JobId);

        var reread = await fineTuning.GetJobAsync(job.JobId);
        Assert.Equal(job.JobId, reread.JobId);
        // At a time scale of 10 the job takes several seconds of real time: the wait below really waits.
        Assert.False(reread.HasCompleted, $"The job was already {reread.Status} before the wait began.");

        // The SDK's own wait. It must notice the end within seconds, however far the emulator's speed-up has run.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var watch = Stopwatch.StartNew();
        await job.WaitForCompletionAsync(limit.Token);
        var returnedAt = DateTimeOffset.UtcNow;
        Assert.True(job.HasCompleted);
        Assert.Equal(FineTuningStatus.Succeeded, job.Status);

        // The job's end as the emulator reports it: a wall-clock time, a little before the wait returned.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("Authorization", "Bearer sk-emulator");
        using var raw = JsonDocument.Parse(await http.GetStringAsync(new Uri(emulator.BaseUri + "/fine_tuning/jobs/" + job.JobId)));
        var finishedAt = DateTimeOffset.FromUnixTimeSeconds(raw.RootElement.GetProperty("finished_at").GetInt64());
        var lag = returnedAt - finishedAt;
        output.WriteLine($"The job finished at {finishedAt:O}; WaitForCompletion returned {lag.TotalSeconds:0.0} s later, after waiting {watch.Elapsed.TotalSeconds:0.0} s.");
        Assert.True(lag > TimeSpan.FromSeconds(-2), $"The job reports finishing at {finishedAt:O}, after the wait returned at {returnedAt:O}: its timestamps are not wall-clock times.");
        Assert.True(lag < TimeSpan.FromSeconds(5), $"WaitForCompletion returned {lag.TotalSeconds:0.0} s after the job finished (the wait took {watch.Elapsed.TotalSeconds:0.0} s).");

        Assert.StartsWith("ft:gpt-4o-mini-2024-07-18:", raw.RootElement.GetProperty("fine_tuned_model").GetString());
        Assert.True(raw.RootElement.GetProperty("trained_tokens").GetInt64() > 0);

        var events = new List<FineTuningEvent>();
        await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 5 })) events.Add(e);
        Assert.Contains(events, e => e.Message == "The job has successfully completed");

        var checkpoints = new List<FineTuningCheckpoint>();
        await foreach (var c in job.GetCheckpointsAsync(new GetCheckpointsOptions())) checkpoints.Add(c);
        Assert.NotEmpty(checkpoints);

        var listed = new List<string>();
        await foreach (var j in fineTuning.GetJobsAsync(new FineTuningJobCollectionOptions { PageSize = 1 })) listed.Add(j.JobId);
        Assert.Contains(job.JobId, listed);

        var result = await files.DownloadFileAsync(job.ResultFileIds[0]);
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(result.Value.ToString()));
        Assert.StartsWith("step,train_loss", csv);

        var second = await fineTuning.FineTuneAsync("gpt-4o-mini-2024-07-18", file.Id, waitUntilCompleted: false);
        await second.CancelAndUpdateAsync();
        Assert.Equal(FineTuningStatus.Cancelled, second.Status);

        var deleted = await files.DeleteFileAsync(file.Id);
        Assert.True(deleted.Value.Deleted);
    }
}
