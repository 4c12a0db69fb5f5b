using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>The Uploads API client against a fake service: its paths, bodies, part order, checksum, and the clean-up after a failure.</summary>
public sealed class UploadsClientTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ft-uploads-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A file of <paramref name="parts"/> runs of one letter each (x, y, z...), <paramref name="partSize"/> bytes a run, the last one shorter.</summary>
    private string File(int parts, int partSize, int lastSize)
    {
        var path = Path.Combine(_folder, "train.jsonl");
        var bytes = new List<byte>();
        for (var i = 0; i < parts; i++) bytes.AddRange(Enumerable.Repeat((byte)('x' + i), i == parts - 1 ? lastSize : partSize));
        System.IO.File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    /// <summary>Answers the Uploads API by path; a part's id names the letter its data holds, so the order of the ids can be checked.</summary>
    private static HttpResponseMessage Service(SeenRequest r, Func<SeenRequest, HttpResponseMessage?>? partFault = null)
    {
        var path = r.Uri.AbsolutePath;
        if (path == "/v1/uploads")
            return FakeHandler.Respond(HttpStatusCode.OK, """{"id":"upload_1","object":"upload","status":"pending","created_at":1700000000}""");
        if (path == "/v1/uploads/upload_1/parts")
        {
            if (partFault?.Invoke(r) is HttpResponseMessage fault) return fault;
            var letter = "xyz".First(c => r.BodyText.Contains(new string(c, 20), StringComparison.Ordinal));
            return FakeHandler.Respond(HttpStatusCode.OK, $$"""{"id":"part_{{letter}}","object":"upload.part","upload_id":"upload_1","created_at":1700000001}""");
        }
        if (path == "/v1/uploads/upload_1/complete")
            return FakeHandler.Respond(HttpStatusCode.OK, """{"id":"upload_1","object":"upload","status":"completed","created_at":1700000000,"file":{"id":"file-made","object":"file","bytes":2500,"filename":"train.jsonl","purpose":"fine-tune","created_at":1700000002}}""");
        if (path == "/v1/uploads/upload_1/cancel")
            return FakeHandler.Respond(HttpStatusCode.OK, """{"id":"upload_1","object":"upload","status":"cancelled","created_at":1700000000}""");
        return FakeHandler.Respond(HttpStatusCode.NotFound, """{"error":{"message":"no such path"}}""");
    }

    [Fact]
    public async Task A_file_goes_up_in_parts_and_is_completed_with_the_part_ids_in_file_order_and_its_md5()
    {
        var path = File(parts: 3, partSize: 1000, lastSize: 500);
        using var t = new TestClient(new FakeHandler().Then(r => Service(r)));
        var sent = new List<long>();
        var file = await t.Client.Uploads.UploadFileAsync(path, "fine-tune", null, new SyncProgress(sent.Add), default, partSize: 1000, parallelism: 1);

        Assert.Equal("file-made", file.Id);
        var requests = t.Handler.Requests;
        Assert.Equal(new[] { "/v1/uploads", "/v1/uploads/upload_1/parts", "/v1/uploads/upload_1/parts", "/v1/uploads/upload_1/parts", "/v1/uploads/upload_1/complete" },
            requests.Select(r => r.Uri.AbsolutePath));
        Assert.All(requests, r => Assert.Equal(HttpMethod.Post, r.Method));

        using (var create = JsonDocument.Parse(requests[0].Body))
        {
            Assert.Equal("train.jsonl", create.RootElement.GetProperty("filename").GetString());
            Assert.Equal("fine-tune", create.RootElement.GetProperty("purpose").GetString());
            Assert.Equal(2500, create.RootElement.GetProperty("bytes").GetInt64());
            Assert.Equal("text/jsonl", create.RootElement.GetProperty("mime_type").GetString());
            Assert.False(create.RootElement.TryGetProperty("expires_after", out _));
        }
        var part = requests[1];
        Assert.StartsWith("multipart/form-data", part.ContentHeaders!.ContentType!.ToString());
        Assert.Contains("name=\"data\"; filename=\"part\"", part.BodyText);

        using var complete = JsonDocument.Parse(requests[4].Body);
        Assert.Equal(new[] { "part_x", "part_y", "part_z" }, complete.RootElement.GetProperty("part_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Convert.ToHexString(MD5.HashData(System.IO.File.ReadAllBytes(path))).ToLowerInvariant(), complete.RootElement.GetProperty("md5").GetString());
        Assert.Equal(2500, sent.Max());
    }

    [Fact]
    public async Task Parts_sent_side_by_side_still_complete_in_file_order()
    {
        var path = File(parts: 3, partSize: 1000, lastSize: 1000);
        var handler = new FakeHandler().Then(async (r, ct) =>
        {
            // The first part answers last, so the completion order differs from the file order.
            if (r.BodyText.Contains(new string('x', 20), StringComparison.Ordinal)) await Task.Delay(200, ct);
            return Service(r);
        });
        using var t = new TestClient(handler);
        await t.Client.Uploads.UploadFileAsync(path, "fine-tune", "data.jsonl", null, default, partSize: 1000, parallelism: 3);
        var complete = t.Handler.Requests.Single(r => r.Uri.AbsolutePath.EndsWith("/complete", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(complete.Body);
        Assert.Equal(new[] { "part_x", "part_y", "part_z" }, doc.RootElement.GetProperty("part_ids").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_part_the_service_refuses_cancels_the_upload_and_its_error_surfaces()
    {
        var path = File(parts: 2, partSize: 1000, lastSize: 1000);
        var handler = new FakeHandler().Then(r => Service(r, _ =>
            FakeHandler.Respond(HttpStatusCode.BadRequest, """{"error":{"message":"Part too small.","type":"invalid_request_error","code":"bad_part"}}""")));
        using var t = new TestClient(handler);
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() =>
            t.Client.Uploads.UploadFileAsync(path, "fine-tune", null, null, default, partSize: 1000, parallelism: 1));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("bad_part", ex.ErrorCode);
        Assert.Equal("/v1/uploads/upload_1/cancel", t.Handler.Requests[^1].Uri.AbsolutePath);
        Assert.DoesNotContain(t.Handler.Requests, r => r.Uri.AbsolutePath.EndsWith("/complete", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 4, "partSize")]
    [InlineData(64L * 1024 * 1024 + 1, 4, "partSize")]
    [InlineData(1000, 0, "parallelism")]
    public async Task Part_size_and_parallelism_out_of_range_are_refused_before_anything_is_sent(long partSize, int parallelism, string parameter)
    {
        var path = File(parts: 1, partSize: 10, lastSize: 10);
        using var t = new TestClient(new FakeHandler().Then(r => Service(r)));
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            t.Client.Uploads.UploadFileAsync(path, "fine-tune", null, null, default, partSize, parallelism));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Empty(t.Handler.Requests);
    }

    [Fact]
    public async Task An_empty_file_is_refused_before_anything_is_sent()
    {
        var path = Path.Combine(_folder, "empty.jsonl");
        System.IO.File.WriteAllBytes(path, Array.Empty<byte>());
        using var t = new TestClient(new FakeHandler().Then(r => Service(r)));
        await Assert.ThrowsAsync<ArgumentException>(() => t.Client.Uploads.UploadFileAsync(path, "fine-tune"));
        Assert.Empty(t.Handler.Requests);
    }

    [Fact]
    public async Task Cancel_posts_to_the_uploads_cancel_path_with_the_id_escaped()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, """{"id":"up/1","object":"upload","status":"cancelled","created_at":1700000000}"""));
        var upload = await t.Client.Uploads.CancelAsync("up/1");
        Assert.Equal("cancelled", upload.Status);
        var seen = Assert.Single(t.Handler.Requests);
        Assert.Equal(HttpMethod.Post, seen.Method);
        Assert.Equal("/v1/uploads/up%2F1/cancel", seen.Uri.AbsolutePath);
    }

    private sealed class SyncProgress : IProgress<long>
    {
        private readonly Action<long> _report;
        public SyncProgress(Action<long> report) => _report = report;
        public void Report(long value)
        {
            lock (this) _report(value);
        }
    }
}
