using System.Text;
using FineTuning.Client;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>What an emulator with a state folder acknowledged is there after a restart, exactly as acknowledged.</summary>
public class RestartSafetyTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("ft-restart-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_state, true); } catch (IOException) { }
    }

    private Harness Start(int? seed = 7) => new Harness(new EmulatorOptions { ManualClock = true, Seed = seed, StatePath = _state });

    private static async Task<byte[]> Content(Harness h, string fileId)
    {
        using var copy = new MemoryStream();
        await h.Client.Files.DownloadContentAsync(fileId, copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_seeded_emulator_restarted_twice_keeps_both_files_and_jobs_with_their_own_content()
    {
        // The case in the issue: --seed 7 --state-path S, upload and create, restart, upload and create, restart.
        string firstFile, firstJob, secondFile, secondJob;
        var firstLines = Harness.ChatLines(10, "first").ToList();
        var secondLines = Harness.ChatLines(12, "second").ToList();
        using (var h = Start())
        {
            firstFile = (await h.UploadAsync(firstLines, "first.jsonl")).Id;
            firstJob = (await h.CreateAsync(firstFile)).Id;
        }
        using (var h = Start())
        {
            secondFile = (await h.UploadAsync(secondLines, "second.jsonl")).Id;
            secondJob = (await h.CreateAsync(secondFile)).Id;
        }
        using (var h = Start())
        {
            Assert.NotEqual(firstFile, secondFile);
            Assert.NotEqual(firstJob, secondJob);
            Assert.Equal(2, h.Emulator.FileCount);
            Assert.Equal(2, h.Emulator.JobCount);
            var files = (await h.Client.Files.ListAsync(null, null, null)).Data;
            Assert.Equal(new[] { "second.jsonl", "first.jsonl" }, files.Select(f => f.Filename));
            foreach (var (id, lines) in new[] { (firstFile, firstLines), (secondFile, secondLines) })
            {
                var expected = Encoding.UTF8.GetBytes(string.Join(Environment.NewLine, lines) + Environment.NewLine);
                var info = await h.Client.Files.GetAsync(id);
                var content = await Content(h, id);
                Assert.Equal(expected, content);
                Assert.Equal(info.Bytes, content.LongLength);
            }
            Assert.Equal(firstFile, (await h.Client.Jobs.GetAsync(firstJob)).TrainingFile);
            Assert.Equal(secondFile, (await h.Client.Jobs.GetAsync(secondJob)).TrainingFile);
        }
    }

    [Fact]
    public async Task A_seeded_run_gives_the_same_ids_with_or_without_a_restart_on_the_way()
    {
        var reference = new List<string>();
        using (var h = new Harness(new EmulatorOptions { ManualClock = true, Seed = 11 }))
        {
            for (var i = 0; i < 3; i++) reference.Add((await h.UploadAsync(Harness.ChatLines(10, "t" + i))).Id);
        }
        var restarted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var h = Start(11);
            restarted.Add((await h.UploadAsync(Harness.ChatLines(10, "t" + i))).Id);
        }
        Assert.Equal(reference, restarted);
    }

    [Fact]
    public async Task Another_seed_on_the_same_folder_never_reuses_a_stored_id()
    {
        var ids = new HashSet<string>();
        for (var round = 0; round < 3; round++)
        {
            // Alternating seeds: the sequence of one seed starts over, the stored ids still block it.
            using var h = Start(round % 2 == 0 ? 3 : 4);
            for (var i = 0; i < 2; i++) Assert.True(ids.Add((await h.UploadAsync(Harness.ChatLines(10, $"r{round}i{i}"))).Id));
            Assert.Equal(ids.Count, h.Emulator.FileCount);
        }
    }

    [Fact]
    public async Task Content_left_by_a_write_cut_short_is_collected_and_never_taken_for_a_file()
    {
        string fileId;
        using (var h = Start())
        {
            fileId = (await h.UploadAsync(Harness.ChatLines(10))).Id;
        }
        // What a kill between writing content and writing the snapshot leaves: content and parts nobody names.
        var strayContent = Path.Combine(_state, "files", "file-stray-0123.bin");
        var strayTemp = Path.Combine(_state, "files", "file-stray-0456.bin.tmp");
        var strayPart = Path.Combine(_state, "uploads", "part_stray-0789.part");
        foreach (var p in new[] { strayContent, strayTemp, strayPart }) await File.WriteAllTextAsync(p, "not acknowledged");
        using (var h = Start())
        {
            Assert.False(File.Exists(strayContent));
            Assert.False(File.Exists(strayTemp));
            Assert.False(File.Exists(strayPart));
            Assert.Single(Directory.GetFiles(Path.Combine(_state, "files")));
            Assert.Equal(Encoding.UTF8.GetBytes(string.Join(Environment.NewLine, Harness.ChatLines(10)) + Environment.NewLine), await Content(h, fileId));
        }
    }

    [Fact]
    public async Task An_upload_and_its_parts_survive_a_restart_and_complete_afterwards()
    {
        var data = Encoding.UTF8.GetBytes(string.Join("\n", Harness.ChatLines(20)) + "\n");
        var path = Path.Combine(_state, "..", Path.GetFileName(_state) + "-data.jsonl");
        await File.WriteAllBytesAsync(path, data);
        try
        {
            string uploadId, firstPart;
            var half = data.Length / 2;
            using (var h = Start())
            {
                uploadId = (await h.Client.Uploads.CreateAsync(new CreateUploadRequest
                { Filename = "big.jsonl", Purpose = "fine-tune", Bytes = data.Length, MimeType = "text/jsonl" })).Id;
                firstPart = (await h.Client.Uploads.AddPartAsync(uploadId, path, 0, half)).Id;
            }
            using (var h = Start())
            {
                Assert.Equal(1, h.Emulator.UploadCount("pending"));
                var secondPart = (await h.Client.Uploads.AddPartAsync(uploadId, path, half, data.Length - half)).Id;
                var done = await h.Client.Uploads.CompleteAsync(uploadId, new CompleteUploadRequest { PartIds = { firstPart, secondPart } });
                Assert.Equal("completed", done.Status);
                Assert.Equal(data, await Content(h, done.File!.Id));
                // The parts are gone once the file holds their bytes.
                Assert.Empty(Directory.GetFiles(Path.Combine(_state, "uploads")));
            }
            using (var h = Start())
            {
                Assert.Equal(1, h.Emulator.UploadCount("completed"));
                Assert.Equal(1, h.Emulator.FileCount);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_cancelled_upload_stays_cancelled_and_its_parts_are_removed()
    {
        var path = Path.Combine(_state, "..", Path.GetFileName(_state) + "-part.bin");
        await File.WriteAllBytesAsync(path, new byte[1000]);
        try
        {
            using (var h = Start())
            {
                var upload = await h.Client.Uploads.CreateAsync(new CreateUploadRequest { Filename = "x.jsonl", Purpose = "fine-tune", Bytes = 2000, MimeType = "text/jsonl" });
                await h.Client.Uploads.AddPartAsync(upload.Id, path, 0, 1000);
                Assert.Single(Directory.GetFiles(Path.Combine(_state, "uploads")));
                await h.Client.Uploads.CancelAsync(upload.Id);
                Assert.Empty(Directory.GetFiles(Path.Combine(_state, "uploads")));
            }
            using var again = Start();
            Assert.Equal(1, again.Emulator.UploadCount("cancelled"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_clock_keeps_its_position_across_a_restart()
    {
        DateTimeOffset before;
        using (var h = Start())
        {
            h.Emulator.Clock.Advance(TimeSpan.FromSeconds(5000));
            before = h.Emulator.Clock.Now;
        }
        using (var h = Start())
        {
            Assert.True(h.Emulator.Clock.Now >= before, $"The clock came back at {h.Emulator.Clock.Now:O}, before {before:O}.");
            // Through the admin path as well.
            using var http = new HttpClient(h.Emulator.CreateHandler());
            var answer = await http.PostAsync(new Uri(h.Emulator.InProcessBaseUri, "/_emulator/clock/advance"),
                new StringContent("{\"seconds\":7000}", Encoding.UTF8, "application/json"));
            Assert.True(answer.IsSuccessStatusCode);
            before = h.Emulator.Clock.Now;
        }
        using (var h = Start())
        {
            Assert.True(h.Emulator.Clock.Now >= before, $"The clock came back at {h.Emulator.Clock.Now:O}, before {before:O}.");
        }
    }

    [Fact]
    public async Task A_second_emulator_on_the_same_folder_is_refused_until_the_first_stops()
    {
        using (var first = Start())
        {
            await first.UploadAsync(Harness.ChatLines(10));
            var refused = Assert.Throws<StateFolderInUseException>(() => new FineTuningEmulator(new EmulatorOptions { StatePath = _state }));
            Assert.Contains(_state, refused.Message);
            Assert.Contains("in use by another emulator", refused.Message);
            Assert.Equal(_state, refused.StatePath);
            // The refused one changed nothing: the first still serves and saves.
            await first.UploadAsync(Harness.ChatLines(11));
        }
        using var second = Start();
        Assert.Equal(2, second.Emulator.FileCount);
    }
}
