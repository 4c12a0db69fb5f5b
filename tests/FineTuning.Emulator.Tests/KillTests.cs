using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>
/// The stand-alone emulator killed (SIGKILL) at random moments while clients create files, uploads and jobs: after
/// each restart everything it acknowledged is there once, and every file's content is the content sent under its name.
/// </summary>
public class KillTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(null)]
    public async Task Killing_the_emulator_during_a_stream_of_creates_loses_and_duplicates_nothing_acknowledged(int? seed)
    {
        var state = Directory.CreateTempSubdirectory("ft-kill-").FullName;
        var data = Directory.CreateTempSubdirectory("ft-kill-data-").FullName;
        var random = new Random(seed ?? 99);
        var sent = new ConcurrentDictionary<string, byte[]>();       // file name -> content sent under it
        var files = new ConcurrentDictionary<string, string>();      // acknowledged file id -> file name
        var jobs = new ConcurrentDictionary<string, string>();       // acknowledged job id -> training file id
        var duplicates = new ConcurrentBag<string>();
        var budget = Stopwatch.StartNew();
        var kills = 0;
        try
        {
            // At least two kills whatever the machine's load; more while the time allows.
            while (kills < 2 || (kills < 5 && budget.Elapsed < TimeSpan.FromSeconds(14)))
            {
                using var host = await HostProcess.StartAsync(state, seed);
                await VerifyAsync(host.Http, sent, files, jobs);
                using var stop = new CancellationTokenSource();
                var workers = Enumerable.Range(0, 3).Select(w => Task.Run(() => CreateAsync(host.Http, w, kills, data, sent, files, jobs, duplicates, stop.Token))).ToArray();
                // Kill at a random moment once this round has had something acknowledged (however loaded the machine is).
                var before = files.Count + jobs.Count;
                var waited = Stopwatch.StartNew();
                while (files.Count + jobs.Count == before && !workers.All(t => t.IsCompleted) && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
                await Task.Delay(random.Next(0, 700));
                host.Kill();
                stop.Cancel();
                await Task.WhenAll(workers);
                kills++;
            }
            using (var host = await HostProcess.StartAsync(state, seed))
            {
                await VerifyAsync(host.Http, sent, files, jobs);
            }
            Assert.Empty(duplicates);
            Assert.NotEmpty(files);
            Assert.NotEmpty(jobs);
        }
        finally
        {
            try { Directory.Delete(state, true); } catch (IOException) { }
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }

    /// <summary>Creates files (both APIs) and jobs until the emulator dies, noting what it acknowledged.</summary>
    private static async Task CreateAsync(HttpClient http, int worker, int round, string dataDir, ConcurrentDictionary<string, byte[]> sent,
        ConcurrentDictionary<string, string> files, ConcurrentDictionary<string, string> jobs, ConcurrentBag<string> duplicates, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var name = $"r{round}w{worker}n{n}.jsonl";
            var content = Encoding.UTF8.GetBytes(string.Join("\n", Harness.ChatLines(10, name)) + "\n");
            sent[name] = content;
            try
            {
                var fileId = n % 4 == 3 ? await UploadInPartsAsync(http, name, content) : await UploadAsync(http, name, content);
                if (!files.TryAdd(fileId, name)) duplicates.Add($"file {fileId} acknowledged for {name} and for {files[fileId]}");
                var job = await PostJsonAsync(http, "fine_tuning/jobs",
                    $"{{\"model\":\"gpt-4o-mini-2024-07-18\",\"training_file\":\"{fileId}\",\"hyperparameters\":{{\"n_epochs\":1}}}}");
                var jobId = job.GetProperty("id").GetString()!;
                if (!jobs.TryAdd(jobId, fileId)) duplicates.Add($"job {jobId} acknowledged twice");
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException || e is IOException || e is JsonException)
            {
                return; // the emulator is gone: what was not answered was not acknowledged
            }
        }
    }

    private static async Task<string> UploadAsync(HttpClient http, string name, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("fine-tune"), "purpose");
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        using var answer = await http.PostAsync("files", form);
        return (await Read(answer)).GetProperty("id").GetString()!;
    }

    private static async Task<string> UploadInPartsAsync(HttpClient http, string name, byte[] content)
    {
        var upload = await PostJsonAsync(http, "uploads", $"{{\"filename\":\"{name}\",\"purpose\":\"fine-tune\",\"bytes\":{content.Length},\"mime_type\":\"text/jsonl\"}}");
        var uploadId = upload.GetProperty("id").GetString()!;
        var parts = new List<string>();
        var half = content.Length / 2;
        foreach (var (offset, length) in new[] { (0, half), (half, content.Length - half) })
        {
            using var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(content, offset, length), "data", "part");
            using var answer = await http.PostAsync($"uploads/{uploadId}/parts", form);
            parts.Add((await Read(answer)).GetProperty("id").GetString()!);
        }
        var done = await PostJsonAsync(http, $"uploads/{uploadId}/complete", JsonSerializer.Serialize(new { part_ids = parts }));
        return done.GetProperty("file").GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient http, string path, string json)
    {
        using var answer = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return await Read(answer);
    }

    private static async Task<JsonElement> Read(HttpResponseMessage answer)
    {
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new Xunit.Sdk.XunitException($"The emulator answered {(int)answer.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>Everything acknowledged is there, once; every file's bytes are what was sent under its name.</summary>
    private static async Task VerifyAsync(HttpClient http, ConcurrentDictionary<string, byte[]> sent,
        ConcurrentDictionary<string, string> files, ConcurrentDictionary<string, string> jobs)
    {
        var listed = (await Read(await http.GetAsync("files?limit=10000"))).GetProperty("data").EnumerateArray().ToList();
        var ids = listed.Select(f => f.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var id in files.Keys) Assert.Contains(id, ids);
        foreach (var file in listed)
        {
            var id = file.GetProperty("id").GetString()!;
            var name = file.GetProperty("filename").GetString()!;
            var bytes = await http.GetByteArrayAsync($"files/{id}/content");
            Assert.Equal(file.GetProperty("bytes").GetInt64(), bytes.LongLength);
            if (file.GetProperty("purpose").GetString() != "fine-tune") continue; // result files the jobs wrote
            Assert.True(sent.TryGetValue(name, out var expected), $"File {id} is named {name}, which no client sent.");
            Assert.True(expected!.AsSpan().SequenceEqual(bytes), $"File {id} ({name}) does not hold the bytes sent under that name.");
            if (files.TryGetValue(id, out var acknowledgedName)) Assert.Equal(acknowledgedName, name);
        }

        var jobIds = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Read(await http.GetAsync("fine_tuning/jobs?limit=100" + (after is null ? string.Empty : "&after=" + after)));
            var data = page.GetProperty("data").EnumerateArray().ToList();
            foreach (var job in data)
            {
                var id = job.GetProperty("id").GetString()!;
                jobIds.Add(id);
                if (jobs.TryGetValue(id, out var trainingFile)) Assert.Equal(trainingFile, job.GetProperty("training_file").GetString());
            }
            if (!page.GetProperty("has_more").GetBoolean() || data.Count == 0) break;
            after = jobIds[^1];
        }
        Assert.Equal(jobIds.Count, jobIds.Distinct().Count());
        foreach (var id in jobs.Keys) Assert.Contains(id, jobIds);
    }

    /// <summary>The stand-alone emulator (finetuning-emulator) as a child process on a free port.</summary>
    internal sealed class HostProcess : IDisposable
    {
        private readonly Process _process;

        private HostProcess(Process process, Uri baseUri)
        {
            _process = process;
            Http = new HttpClient { BaseAddress = new Uri(baseUri + "/"), Timeout = TimeSpan.FromSeconds(20) };
        }

        public HttpClient Http { get; }

        public static async Task<HostProcess> StartAsync(string statePath, int? seed, string extra = "--time-scale 1000")
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "finetuning-emulator.dll");
            Assert.True(File.Exists(dll), $"The stand-alone emulator is not beside the tests ({dll}).");
            var info = new ProcessStartInfo(DotNet(), $"\"{dll}\" --port 0 {extra} --state-path \"{statePath}\"" + (seed is int s ? $" --seed {s}" : string.Empty))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment.Remove("FINETUNING_EMULATOR_API_KEY");
            var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            var line = process.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(line, Task.Delay(TimeSpan.FromSeconds(60))) != line || line.Result is null)
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                throw new Xunit.Sdk.XunitException($"The emulator did not start: {(error.IsCompleted ? error.Result : "(no answer)")}");
            }
            var match = System.Text.RegularExpressions.Regex.Match(line.Result, @"http://\S+/v1");
            Assert.True(match.Success, "Unexpected first line: " + line.Result);
            _ = process.StandardOutput.ReadToEndAsync();
            return new HostProcess(process, new Uri(match.Value));
        }

        private static string DotNet()
        {
            // The dotnet that runs these tests: its runtime folder is <root>/shared/Microsoft.NETCore.App/<version>/.
            var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            var exe = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            return File.Exists(exe) ? exe : "dotnet";
        }

        /// <summary>Ends the process at once (SIGKILL): no handler, no flush, nothing it can finish.</summary>
        public void Kill()
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit();
        }

        public void Dispose()
        {
            Http.Dispose();
            Kill();
            _process.Dispose();
        }
    }
}
