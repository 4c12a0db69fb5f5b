using System.Net;
using System.Text;
using System.Text.Json;
using FineTuning.Datasets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Uploads as the service receives them: multipart bodies, names, lifetimes, retries, and the refusals before sending.</summary>
public class UploadWireTests
{
    [Fact]
    public async Task Upload_IsMultipartWithQuotedNameAndFilename()
    {
        var dir = Directory.CreateTempSubdirectory("ft-upload-");
        try
        {
            var path = Path.Combine(dir.FullName, "train.jsonl");
            const string lines = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n";
            File.WriteAllText(path, lines);
            var reported = new List<long>();
            using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK,
                """{"id":"file-abc123","object":"file","bytes":84,"created_at":1677610602,"filename":"train.jsonl","purpose":"fine-tune","status":"processed"}"""));
            var file = await t.Client.Files.UploadAsync(path, "fine-tune", progress: new SyncProgress(reported.Add));
            Assert.Equal("file-abc123", file.Id);

            var r = t.Handler.Requests[0];
            Assert.Equal(HttpMethod.Post, r.Method);
            Assert.Equal("https://api.openai.com/v1/files", r.Uri.AbsoluteUri);
            Assert.Contains("Content-Disposition: form-data; name=\"purpose\"\r\n", r.BodyText);
            Assert.Contains("Content-Disposition: form-data; name=\"file\"; filename=\"train.jsonl\"\r\n", r.BodyText);

            var parts = await ReadParts(r);
            Assert.Equal(2, parts.Count);
            Assert.Equal(("purpose", null, "fine-tune"), (parts[0].Name, parts[0].FileName, parts[0].Text));
            Assert.Equal(("file", "train.jsonl", lines), (parts[1].Name, parts[1].FileName, parts[1].Text));
            Assert.Equal(new FileInfo(path).Length, reported.Last());
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Upload_FileNameWithQuotesAndAccents_StaysOneQuotedParameter()
    {
        var dir = Directory.CreateTempSubdirectory("ft-upload-");
        try
        {
            var path = Path.Combine(dir.FullName, "data.jsonl");
            File.WriteAllText(path, "{}\n");
            using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, """{"id":"file-1","object":"file","created_at":1}"""));
            await t.Client.Files.UploadAsync(path, "fine-tune", fileName: "my \"best\" données.jsonl");
            var parts = await ReadParts(t.Handler.Requests[0]);
            Assert.Equal("file", parts[1].Name);
            Assert.Equal("my %22best%22 donn%C3%A9es.jsonl", parts[1].FileName);
            Assert.Equal("{}\n", parts[1].Text);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Upload_RetriedAfterA503_SendsTheWholeFileAgain()
    {
        var dir = Directory.CreateTempSubdirectory("ft-upload-");
        try
        {
            var path = Path.Combine(dir.FullName, "train.jsonl");
            var content = string.Concat(Enumerable.Range(0, 2000).Select(i => $"{{\"i\":{i}}}\n"));
            File.WriteAllText(path, content);
            using var t = new TestClient(new FakeHandler()
                .Then(HttpStatusCode.ServiceUnavailable, "{}")
                .Then(HttpStatusCode.OK, """{"id":"file-1","object":"file","created_at":1}"""));
            await t.Client.Files.UploadAsync(path, "fine-tune");
            Assert.Equal(2, t.Handler.Requests.Count);
            foreach (var r in t.Handler.Requests)
            {
                var parts = await ReadParts(r);
                Assert.Equal(content, parts[1].Text);
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Upload_WithALifetime_SendsExpiresAfterAsFormFields()
    {
        var dir = Directory.CreateTempSubdirectory("ft-upload-");
        try
        {
            var path = Path.Combine(dir.FullName, "train.jsonl");
            File.WriteAllText(path, "{}\n");
            using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK,
                """{"id":"file-1","object":"file","created_at":1700000000,"expires_at":1700007200}"""));
            var file = await t.Client.Files.UploadAsync(path, "fine-tune", expiresAfterSeconds: 7200);
            var parts = await ReadParts(t.Handler.Requests[0]);
            Assert.Equal(new[] { "purpose", "expires_after[anchor]", "expires_after[seconds]", "file" }, parts.Select(p => p.Name));
            Assert.Equal("created_at", parts[1].Text);
            Assert.Equal("7200", parts[2].Text);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700007200), file.ExpiresAt);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData(ServiceKind.OpenAI, 3599L, false)]
    [InlineData(ServiceKind.OpenAI, 3600L, true)]
    [InlineData(ServiceKind.OpenAI, 2_592_001L, false)]
    [InlineData(ServiceKind.AzureOpenAI, 3600L, false)]
    [InlineData(ServiceKind.AzureOpenAI, 1_209_600L, true)]
    [InlineData(ServiceKind.AzureOpenAI, 2_592_000L, true)]
    public void FileLifetime_IsCheckedAgainstTheServicesRange(ServiceKind kind, long seconds, bool accepted)
    {
        using var t = new TestClient(new FakeHandler(), kind == ServiceKind.AzureOpenAI ? TestClient.Azure() : null);
        var ex = Record.Exception(() => t.Client.Files.EnsureValidLifetime(seconds));
        if (accepted)
        {
            Assert.Null(ex);
        }
        else
        {
            var invalid = Assert.IsType<ParameterValidationException>(ex);
            Assert.Equal("ExpiresAfterSec", invalid.ParamName);
            Assert.Contains(kind == ServiceKind.AzureOpenAI ? "14 days" : "1 hour", invalid.Message);
        }
    }

    [Fact]
    public async Task Upload_WithALifetimeOutOfRange_FailsBeforeSending()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, "{}"));
        await Assert.ThrowsAsync<ParameterValidationException>(() => t.Client.Files.UploadAsync("/nonexistent/train.jsonl", "fine-tune", expiresAfterSeconds: 60));
        Assert.Empty(t.Handler.Requests);
    }

    [Fact]
    public async Task FileCalls_RefuseAJobIdBeforeSending()
    {
        using var t = new TestClient(new FakeHandler());
        foreach (var call in new Func<Task>[]
        {
            () => t.Client.Files.GetAsync("ftjob-abc"),
            () => t.Client.Files.DeleteAsync("ftjob-abc"),
            () => t.Client.Files.DownloadContentAsync("ftjob-abc", Stream.Null),
        })
        {
            var ex = await Assert.ThrowsAsync<ParameterValidationException>(call);
            Assert.Equal("Id", ex.ParamName);
            Assert.Contains("ResultFiles", ex.Message);
        }
        Assert.Empty(t.Handler.Requests);
    }

    [Fact]
    public async Task Upload_OfAMissingFile_FailsBeforeSending()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, "{}"));
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => t.Client.Files.UploadAsync("/nonexistent/train.jsonl", "fine-tune"));
        Assert.Contains("/nonexistent/train.jsonl", ex.Message);
        Assert.Empty(t.Handler.Requests);
    }

    private sealed record Part(string? Name, string? FileName, string Text);

    /// <summary>Parses a multipart body with ASP.NET Core's reader, as a real server would.</summary>
    private static async Task<List<Part>> ReadParts(SeenRequest r)
    {
        var contentType = MediaTypeHeaderValue.Parse(r.ContentHeaders!.ContentType!.ToString());
        Assert.Equal("multipart/form-data", contentType.MediaType.Value);
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(r.Body));
        var parts = new List<Part>();
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync()) != null)
        {
            Assert.True(ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd), section.ContentDisposition);
            Assert.Equal("form-data", cd!.DispositionType.Value);
            using var text = new StreamReader(section.Body, Encoding.UTF8);
            parts.Add(new Part(HeaderUtilities.RemoveQuotes(cd.Name).Value, cd.FileName.HasValue ? HeaderUtilities.RemoveQuotes(cd.FileName).Value : null, await text.ReadToEndAsync()));
        }
        return parts;
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
