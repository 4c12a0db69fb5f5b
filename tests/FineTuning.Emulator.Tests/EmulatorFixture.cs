using System.Security;
using System.Text;
using System.Text.Json;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Emulator.Tests;

/// <summary>An emulator with a manual clock and a client that reaches it in process.</summary>
internal sealed class Harness : IDisposable
{
    public Harness(EmulatorOptions? options = null, string? clientKey = null, int maxRetries = 2)
    {
        options ??= new EmulatorOptions { ManualClock = true, Seed = 1 };
        Emulator = new FineTuningEmulator(options);
        Connection = FineTuningConnection.Create(new ConnectionOptions
        {
            Kind = ServiceKind.Emulator,
            BaseUri = Emulator.InProcessBaseUri,
            Transport = Emulator.CreateHandler(),
            ApiKey = clientKey is null ? null : FineTuningConnection.ToSecureString(clientKey),
            MaxRetries = maxRetries,
        });
        Client = Connection.Client;
        Client.Delay = (_, _) => Task.CompletedTask;
    }

    public FineTuningEmulator Emulator { get; }
    public FineTuningConnection Connection { get; }
    public FineTuningClient Client { get; }

    public string Dir { get; } = Directory.CreateTempSubdirectory("ft-emu-tests-").FullName;

    /// <summary>A chat dataset of distinct examples.</summary>
    public static IEnumerable<string> ChatLines(int count, string topic = "color") =>
        Enumerable.Range(1, count).Select(i => JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "system", content = "You name things." },
                new { role = "user", content = $"Name a {topic} number {i}." },
                new { role = "assistant", content = $"The {topic} number {i} is called item {i * 7}." },
            },
        }));

    public async Task<FineTuningFile> UploadAsync(IEnumerable<string> lines, string name = "train.jsonl", string purpose = "fine-tune")
    {
        var path = Path.Combine(Dir, Guid.NewGuid().ToString("N") + "-" + name);
        await File.WriteAllLinesAsync(path, lines);
        return await Client.Files.UploadAsync(path, purpose, name);
    }

    public async Task<FineTuningJob> CreateAsync(string fileId, int? epochs = null, int? batch = null, double? lr = null, long? seed = 5,
        string? validation = null, TrainingMethod method = TrainingMethod.Supervised, double? beta = null, string? suffix = null,
        IDictionary<string, string>? metadata = null)
    {
        var options = new NewJobOptions
        {
            Model = "gpt-4o-mini-2024-07-18", TrainingFile = fileId, ValidationFile = validation, Epochs = epochs, BatchSize = batch,
            LearningRateMultiplier = lr, Seed = seed, Method = method, Beta = beta, Suffix = suffix, Metadata = metadata,
        };
        options.Validate();
        return await Client.Jobs.CreateAsync(options.ToRequest());
    }

    /// <summary>Advances virtual time until the job is in one of the statuses.</summary>
    public async Task<FineTuningJob> RunUntilAsync(string jobId, params string[] statuses)
    {
        for (var i = 0; i < 5000; i++)
        {
            var job = await Client.Jobs.GetAsync(jobId);
            if (statuses.Contains(job.Status)) return job;
            Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
        }
        throw new Xunit.Sdk.XunitException($"Job {jobId} never reached {string.Join("/", statuses)}.");
    }

    public async Task<List<FineTuningEvent>> AllEventsAsync(string jobId) =>
        await new Pager<FineTuningEvent>((after, limit, ct) => Client.Jobs.ListEventsAsync(jobId, after, limit, ct), e => e.Id, 100).ToListAsync();

    public void Dispose()
    {
        Connection.Dispose();
        Emulator.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
