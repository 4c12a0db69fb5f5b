using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FineTuning.Client;
using Xunit;

namespace FineTuning.Emulator.Tests;

public class UploadTests
{
    private static async Task<string> DataFile(Harness h, int examples)
    {
        var path = Path.Combine(h.Dir, $"big-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(path, Harness.ChatLines(examples));
        return path;
    }

    [Fact]
    public async Task A_file_sent_in_many_parallel_parts_arrives_whole_and_in_order()
    {
        using var h = new Harness();
        var path = await DataFile(h, 200);
        var reported = new List<long>();
        var file = await h.Client.Uploads.UploadFileAsync(path, "fine-tune", null, new SyncProgress(reported.Add), default, partSize: 1000, parallelism: 3);
        Assert.Equal(new FileInfo(path).Length, file.Bytes);
        Assert.Equal("big-" + Path.GetFileName(path).Substring(4), file.Filename);
        using var copy = new MemoryStream();
        await h.Client.Files.DownloadContentAsync(file.Id, copy);
        Assert.Equal(await File.ReadAllBytesAsync(path), copy.ToArray());
        Assert.Equal(new FileInfo(path).Length, reported.Max());
        Assert.Equal(1, h.Emulator.UploadCount("completed"));

        // The file is usable for a job like any other.
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 1, batch: 50)).Id, "succeeded", "failed");
        Assert.Equal("succeeded", job.Status);
    }

    [Fact]
    public async Task A_part_that_keeps_failing_cancels_the_upload_on_the_service()
    {
        using var h = new Harness(maxRetries: 1);
        var path = await DataFile(h, 50);
        h.Emulator.Faults.Add(new EmulatorFault { Method = "POST", Path = "*/parts", StatusCode = 500, Count = 1000 });
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() =>
            h.Client.Uploads.UploadFileAsync(path, "fine-tune", null, null, default, partSize: 2000, parallelism: 2));
        Assert.Equal(500, ex.StatusCode);
        h.Emulator.Faults.Clear();
        Assert.Equal(1, h.Emulator.UploadCount("cancelled"));
        Assert.Equal(0, h.Emulator.UploadCount("pending"));
        Assert.Equal(0, h.Emulator.FileCount);
    }

    [Fact]
    public async Task Cancelling_the_call_cancels_the_upload()
    {
        using var h = new Harness();
        var path = await DataFile(h, 50);
        var slowParts = new EmulatorFault { Path = "*/parts", StatusCode = 0, Latency = TimeSpan.FromSeconds(5), Count = 1000 };
        h.Emulator.Faults.Add(slowParts);
        using var cts = new CancellationTokenSource();
        var upload = h.Client.Uploads.UploadFileAsync(path, "fine-tune", null, null, cts.Token, partSize: 2000, parallelism: 2);

        // Cancel while a part is in flight, so the client has created the upload and must cancel it. (A timer
        // could fire before the upload exists on a loaded machine, leaving nothing to cancel.)
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (h.Emulator.Faults.Remaining(slowParts) == slowParts.Count && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(h.Emulator.Faults.Remaining(slowParts) < slowParts.Count, "No part request reached the emulator.");
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);
        Assert.Equal(1, h.Emulator.UploadCount("cancelled"));
        Assert.Equal(0, h.Emulator.FileCount);
    }

    [Fact]
    public async Task Completion_checks_the_size_the_order_and_the_md5()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        async Task<JsonElement> Post(string url, HttpContent content, HttpStatusCode expected)
        {
            var response = await http.PostAsync(url, content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        StringContent Json(object o) => new(JsonSerializer.Serialize(o), Encoding.UTF8, "application/json");
        MultipartFormDataContent Part(string text)
        {
            var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "data", "part");
            return form;
        }

        var upload = await Post("uploads", Json(new { filename = "x.jsonl", purpose = "fine-tune", bytes = 10, mime_type = "text/jsonl" }), HttpStatusCode.OK);
        var id = upload.GetProperty("id").GetString();
        Assert.StartsWith("upload_", id);
        Assert.Equal("pending", upload.GetProperty("status").GetString());
        var a = (await Post($"uploads/{id}/parts", Part("hello"), HttpStatusCode.OK)).GetProperty("id").GetString();
        var b = (await Post($"uploads/{id}/parts", Part("world"), HttpStatusCode.OK)).GetProperty("id").GetString();

        var tooFew = await Post($"uploads/{id}/complete", Json(new { part_ids = new[] { a } }), HttpStatusCode.BadRequest);
        Assert.Contains("5 bytes", tooFew.GetProperty("error").GetProperty("message").GetString());
        var wrongHash = await Post($"uploads/{id}/complete", Json(new { part_ids = new[] { a, b }, md5 = "00000000000000000000000000000000" }), HttpStatusCode.BadRequest);
        Assert.Equal("md5", wrongHash.GetProperty("error").GetProperty("param").GetString());

        var md5 = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes("worldhello"))).ToLowerInvariant();
        var done = await Post($"uploads/{id}/complete", Json(new { part_ids = new[] { b, a }, md5 }), HttpStatusCode.OK);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var fileId = done.GetProperty("file").GetProperty("id").GetString()!;
        using var content = new MemoryStream();
        await h.Client.Files.DownloadContentAsync(fileId, content);
        Assert.Equal("worldhello", Encoding.UTF8.GetString(content.ToArray()));

        var late = await Post($"uploads/{id}/parts", Part("more"), HttpStatusCode.BadRequest);
        Assert.Contains("completed", late.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_upload_expires_after_an_hour()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var created = await http.PostAsync("uploads", new StringContent("{\"filename\":\"x.jsonl\",\"purpose\":\"fine-tune\",\"bytes\":4,\"mime_type\":\"text/jsonl\"}", Encoding.UTF8, "application/json"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        h.Emulator.Clock.Advance(TimeSpan.FromMinutes(61));
        var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[4]), "data", "part" } };
        var response = await http.PostAsync($"uploads/{id}/parts", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, h.Emulator.UploadCount("expired"));
    }

    [Fact]
    public async Task A_file_given_a_lifetime_carries_expires_at_and_is_deleted_when_it_passes()
    {
        using var h = new Harness();
        var path = await DataFile(h, 12);
        var lasting = await h.Client.Files.UploadAsync(path, "fine-tune", "lasting.jsonl");
        var brief = await h.Client.Files.UploadAsync(path, "fine-tune", "brief.jsonl", expiresAfterSeconds: 3600);
        var parted = await h.Client.Uploads.UploadFileAsync(path, "fine-tune", "parted.jsonl", null, default, partSize: 1000, parallelism: 2, expiresAfterSeconds: 7200);
        Assert.Null(lasting.ExpiresAt);
        Assert.Equal(brief.CreatedAt.AddSeconds(3600), brief.ExpiresAt);
        Assert.Equal(parted.CreatedAt.AddSeconds(7200), parted.ExpiresAt);
        Assert.Equal(parted.ExpiresAt, (await h.Client.Files.GetAsync(parted.Id)).ExpiresAt);

        h.Emulator.Clock.Advance(TimeSpan.FromSeconds(3599));
        Assert.Equal(brief.Id, (await h.Client.Files.GetAsync(brief.Id)).Id);
        h.Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        var gone = await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Files.GetAsync(brief.Id));
        Assert.Equal(404, gone.StatusCode);
        var listed = (await h.Client.Files.ListAsync(null, null, 100, null)).Data.Select(f => f.Id).ToList();
        Assert.Contains(lasting.Id, listed);
        Assert.Contains(parted.Id, listed);
        Assert.DoesNotContain(brief.Id, listed);

        h.Emulator.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new[] { lasting.Id }, (await h.Client.Files.ListAsync(null, null, 100, null)).Data.Select(f => f.Id));
        Assert.Equal(1, h.Emulator.FileCount);
    }

    [Theory]
    [InlineData("/v1/files", "created_at", "60", "expires_after[seconds]")]
    [InlineData("/v1/files", "last_active_at", "7200", "expires_after[anchor]")]
    [InlineData("/openai/v1/files", "created_at", "3600", "expires_after[seconds]")]
    public async Task The_service_refuses_a_lifetime_out_of_its_range(string path, string anchor, string seconds, string param)
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost") };
        var form = new MultipartFormDataContent
        {
            { new StringContent("fine-tune"), "purpose" },
            { new StringContent(anchor), "expires_after[anchor]" },
            { new StringContent(seconds), "expires_after[seconds]" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", Harness.ChatLines(10)))), "file", "x.jsonl" },
        };
        var response = await http.PostAsync(path, form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(param, body);
        Assert.Equal(0, h.Emulator.FileCount);
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) { lock (this) report(value); }
    }
}
