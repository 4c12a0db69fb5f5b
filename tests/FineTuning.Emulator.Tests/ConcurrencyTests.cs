using System.Collections.Concurrent;
using FineTuning.Client;
using Xunit;

namespace FineTuning.Emulator.Tests;

public class ConcurrencyTests
{
    /// <summary>
    /// 64 clients, 100 operations each, in parallel over loopback HTTP: every object created is listed
    /// exactly once, and every job reaches a final state. (Correctness only; throughput is in bench/.)
    /// </summary>
    [Fact]
    public async Task Sixty_four_clients_lose_and_duplicate_nothing()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { TimeScale = 100_000, Seed = 3 });
        var baseUri = emulator.StartListener();
        var dir = Directory.CreateTempSubdirectory("ft-conc-").FullName;
        var data = Path.Combine(dir, "train.jsonl");
        await File.WriteAllLinesAsync(data, Harness.ChatLines(10));
        var jobs = new ConcurrentBag<string>();
        var files = new ConcurrentBag<string>();
        try
        {
            var clients = Enumerable.Range(0, 64).Select(c => Task.Run(async () =>
            {
                using var connection = FineTuningConnection.Create(new ConnectionOptions { Kind = ServiceKind.Emulator, BaseUri = baseUri, MaxRetries = 0 });
                var client = connection.Client;
                var file = await client.Files.UploadAsync(data, "fine-tune");
                files.Add(file.Id);
                var mine = new List<string>();
                for (var op = 1; op < 100; op++)
                {
                    switch (op % 4)
                    {
                        case 1:
                            var job = await client.Jobs.CreateAsync(new NewJobOptions
                            {
                                Model = "gpt-4o-mini-2024-07-18", TrainingFile = file.Id, Epochs = 1, BatchSize = 10,
                                Metadata = new Dictionary<string, string> { ["client"] = c.ToString() },
                            }.ToRequest());
                            jobs.Add(job.Id);
                            mine.Add(job.Id);
                            break;
                        case 2:
                            await client.Jobs.GetAsync(mine[^1]);
                            break;
                        case 3:
                            var listed = await client.Jobs.ListAsync(null, 5, new Dictionary<string, string> { ["client"] = c.ToString() });
                            Assert.Contains(mine[^1], listed.Data.Select(j => j.Id));
                            break;
                        default:
                            if (op % 8 == 0)
                            {
                                try { await client.Jobs.CancelAsync(mine[^1]); }
                                catch (FineTuningServiceException e) when (e.StatusCode == 400) { } // it may have finished already
                            }
                            else await client.Jobs.ListEventsAsync(mine[^1], null, 5);
                            break;
                    }
                }
            })).ToList();
            await Task.WhenAll(clients);

            using var reader = FineTuningConnection.Create(new ConnectionOptions { Kind = ServiceKind.Emulator, BaseUri = baseUri });
            var all = await new Pager<FineTuningJob>((a, l, ct) => reader.Client.Jobs.ListAsync(a, l, null, ct), j => j.Id, 100).ToListAsync();
            Assert.Equal(jobs.Count, all.Count);
            Assert.Equal(jobs.OrderBy(x => x), all.Select(j => j.Id).OrderBy(x => x));
            Assert.Equal(all.Count, all.Select(j => j.Id).Distinct().Count());

            var listedFiles = (await reader.Client.Files.ListAsync("fine-tune", null, null)).Data.Select(f => f.Id).ToList();
            Assert.Equal(files.OrderBy(x => x), listedFiles.OrderBy(x => x));

            // Time runs 100,000 times faster than real time: every job is done within moments.
            for (var i = 0; i < 100 && all.Any(j => !JobStatus.IsFinal(j.Status)); i++)
            {
                await Task.Delay(100);
                all = await new Pager<FineTuningJob>((a, l, ct) => reader.Client.Jobs.ListAsync(a, l, null, ct), j => j.Id, 100).ToListAsync();
            }
            Assert.All(all, j => Assert.True(JobStatus.IsFinal(j.Status), $"{j.Id} is {j.Status}"));
            Assert.Contains(all, j => j.Status == "succeeded");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
