using System.Net;
using System.Text;
using System.Text.Json;
using FineTuning.Datasets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Requests as the service receives them: URLs, headers, query strings and bodies.</summary>
public class WireTests
{
    private const string Key = TestClient.Key;
    private static readonly string Job = Payloads.Job("ftjob-abc");

    /// <summary>The query as name/value pairs, decoded as a server decodes them.</summary>
    private static List<KeyValuePair<string, string>> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1])))
            .ToList();

    [Fact]
    public async Task OpenAI_SendsBearerKeyOrganizationAndProject()
    {
        var options = new ConnectionOptions
        {
            ApiKey = FineTuningConnection.ToSecureString(Key),
            Organization = "org-123",
            Project = "proj_456",
        };
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Job), options);
        await t.Client.Jobs.GetAsync("ftjob-abc");
        var r = Assert.Single(t.Handler.Requests);
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal("https://api.openai.com/v1/fine_tuning/jobs/ftjob-abc", r.Uri.AbsoluteUri);
        Assert.Equal("Bearer " + Key, r.Header("Authorization"));
        Assert.Equal("org-123", r.Header("OpenAI-Organization"));
        Assert.Equal("proj_456", r.Header("OpenAI-Project"));
        Assert.Null(r.Header("api-key"));
        Assert.Equal("application/json", r.Header("Accept"));
        Assert.StartsWith("FineTuning-PowerShell/", r.Header("User-Agent"));
    }

    [Fact]
    public async Task OpenAI_WithoutOrganizationOrProject_SendsNeitherHeader()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Job));
        await t.Client.Jobs.GetAsync("ftjob-abc");
        var r = t.Handler.Requests[0];
        Assert.Null(r.Header("OpenAI-Organization"));
        Assert.Null(r.Header("OpenAI-Project"));
    }

    [Fact]
    public async Task AzureClassic_SendsApiKeyHeaderAndApiVersionOnEveryRequest()
    {
        var options = new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri("https://res.openai.azure.com/"),
            ApiVersion = "2024-10-21",
            ApiKey = FineTuningConnection.ToSecureString(Key),
        };
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Payloads.Page(false, Job)), options);
        await t.Client.Jobs.ListAsync("ftjob-1", 5);
        var r = t.Handler.Requests[0];
        Assert.Equal("https://res.openai.azure.com/openai/fine_tuning/jobs?after=ftjob-1&limit=5&api-version=2024-10-21", r.Uri.AbsoluteUri);
        Assert.Equal(Key, r.Header("api-key"));
        Assert.Null(r.Header("Authorization"));
    }

    [Fact]
    public async Task AzureClassic_ApiVersionIsTheOnlyQueryWhenThereIsNoOther()
    {
        var options = new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri("https://res.openai.azure.com/openai/"),
            ApiVersion = "2025-04-01-preview",
            ApiKey = FineTuningConnection.ToSecureString(Key),
        };
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Job), options);
        await t.Client.Jobs.CancelAsync("ftjob-abc");
        Assert.Equal("https://res.openai.azure.com/openai/fine_tuning/jobs/ftjob-abc/cancel?api-version=2025-04-01-preview",
            t.Handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task AzureV1_WithAccessToken_SendsBearerTokenAndNoApiVersion()
    {
        const string token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.payload.signature";
        var options = new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri("https://res.openai.azure.com"),
            AccessToken = FineTuningConnection.ToSecureString(token),
        };
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Job), options);
        Assert.Equal(AuthenticationMode.AccessToken, t.Connection.Authentication);
        await t.Client.Jobs.GetAsync("ftjob-abc");
        var r = t.Handler.Requests[0];
        Assert.Equal("https://res.openai.azure.com/openai/v1/fine_tuning/jobs/ftjob-abc", r.Uri.AbsoluteUri);
        Assert.Equal("Bearer " + token, r.Header("Authorization"));
        Assert.Null(r.Header("api-key"));
    }

    [Fact]
    public async Task CompatibleBaseUri_IsJoinedWithoutDoubleSlashes()
    {
        var options = new ConnectionOptions { Kind = ServiceKind.Compatible, BaseUri = new Uri("http://localhost:8080/v1/") };
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, """{"id":"file-1","object":"file","created_at":1}"""), options);
        await t.Client.Files.GetAsync("file-1");
        var r = t.Handler.Requests[0];
        Assert.Equal("http://localhost:8080/v1/files/file-1", r.Uri.AbsoluteUri);
        Assert.Null(r.Header("Authorization")); // no key configured, none sent
    }

    [Fact]
    public async Task ListJobs_EncodesMetadataAsBracketedPairs()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Payloads.Page(false)));
        var metadata = new Dictionary<string, string> { ["team"] = "search", ["note"] = "a b&c=d" };
        await t.Client.Jobs.ListAsync("ftjob-9", 20, metadata);
        var uri = t.Handler.Requests[0].Uri;
        Assert.Equal("/v1/fine_tuning/jobs", uri.AbsolutePath);
        Assert.Equal(new[]
        {
            KeyValuePair.Create("after", "ftjob-9"),
            KeyValuePair.Create("limit", "20"),
            KeyValuePair.Create("metadata[team]", "search"),
            KeyValuePair.Create("metadata[note]", "a b&c=d"),
        }, Query(uri));
        // The value's own '&', '=' and space are escaped so they cannot split the pair.
        Assert.Contains("=a%20b%26c%3Dd", uri.Query);
    }

    [Fact]
    public async Task ListJobs_WithoutMetadata_SendsTheLiteralNull()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Payloads.Page(false)));
        await t.Client.Jobs.ListAsync(null, 5, null, default, withoutMetadata: true);
        Assert.Equal("https://api.openai.com/v1/fine_tuning/jobs?limit=5&metadata=null", t.Handler.Requests[0].Uri.AbsoluteUri);
        await Assert.ThrowsAsync<ParameterValidationException>(() =>
            t.Client.Jobs.ListAsync(null, 5, new Dictionary<string, string> { ["a"] = "b" }, default, withoutMetadata: true));
        Assert.Single(t.Handler.Requests);
    }

    [Fact]
    public async Task ListJobs_WithoutArguments_SendsNoQuery()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Payloads.Page(false)));
        await t.Client.Jobs.ListAsync(null, null);
        Assert.Equal("https://api.openai.com/v1/fine_tuning/jobs", t.Handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Events_AndCheckpoints_UseTheirPathsAndCursor()
    {
        var events = Payloads.Page(false, """{"id":"ftevent-2","object":"fine_tuning.job.event","created_at":2,"level":"info","message":"m"}""");
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.OK, events)
            .Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false,"first_id":null,"last_id":null}"""));
        var page = await t.Client.Jobs.ListEventsAsync("ftjob-abc", "ftevent-1", 50);
        await t.Client.Jobs.ListCheckpointsAsync("ftjob-abc", null, 10);
        Assert.Equal("https://api.openai.com/v1/fine_tuning/jobs/ftjob-abc/events?after=ftevent-1&limit=50", t.Handler.Requests[0].Uri.AbsoluteUri);
        Assert.Equal("https://api.openai.com/v1/fine_tuning/jobs/ftjob-abc/checkpoints?limit=10", t.Handler.Requests[1].Uri.AbsoluteUri);
        Assert.Equal("ftjob-abc", Assert.Single(page.Data).JobId);
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("pause")]
    [InlineData("resume")]
    public async Task JobActions_PostWithoutABody(string action)
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Job));
        var call = action switch
        {
            "cancel" => t.Client.Jobs.CancelAsync("ftjob-abc"),
            "pause" => t.Client.Jobs.PauseAsync("ftjob-abc"),
            _ => t.Client.Jobs.ResumeAsync("ftjob-abc"),
        };
        await call;
        var r = t.Handler.Requests[0];
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal($"https://api.openai.com/v1/fine_tuning/jobs/ftjob-abc/{action}", r.Uri.AbsoluteUri);
        Assert.Empty(r.Body);
    }

    [Fact]
    public async Task Ids_AreEscapedAsOnePathSegment()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Job));
        await t.Client.Jobs.GetAsync("../files?x=1");
        var uri = t.Handler.Requests[0].Uri;
        Assert.Equal("/v1/fine_tuning/jobs/..%2Ffiles%3Fx%3D1", uri.AbsolutePath);
        Assert.Equal(string.Empty, uri.Query);
    }

    [Fact]
    public async Task DeleteJob_OnAzure_SendsDeleteAndTakes204WithoutABody()
    {
        using var t = new TestClient(new FakeHandler().Then(_ => new HttpResponseMessage(HttpStatusCode.NoContent)), TestClient.Azure("2024-10-21"));
        Assert.True(t.Client.HasAzureCalls);
        var deleted = await t.Client.Jobs.DeleteAsync("ftjob-abc");
        var r = Assert.Single(t.Handler.Requests);
        Assert.Equal(HttpMethod.Delete, r.Method);
        Assert.Equal("https://res.openai.azure.com/openai/fine_tuning/jobs/ftjob-abc?api-version=2024-10-21", r.Uri.AbsoluteUri);
        Assert.Equal(("ftjob-abc", "fine_tuning.job", true), (deleted.Id, deleted.Object, deleted.Deleted));
    }

    [Fact]
    public async Task ImportFile_OnAzure_SendsTheWholeUrlButNeverLogsItsQuery()
    {
        var options = TestClient.Azure("2025-04-01-preview");
        const string sas = "https://acct.blob.core.windows.net/data/train%20set.jsonl?sv=2024-05-04&sp=r&sig=Zx9Secret%2Bsig%3D";
        var log = new RecordingLog();
        ClientLog.Current = log;
        try
        {
            using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.Created,
                """{"id":"file-9","object":"file","bytes":10,"created_at":1,"filename":"train.jsonl","purpose":"fine-tune","status":"pending"}"""), options);
            var file = await t.Client.Files.ImportAsync(new Uri(sas), "train.jsonl");
            var r = Assert.Single(t.Handler.Requests);
            Assert.Equal(HttpMethod.Post, r.Method);
            Assert.Equal("https://res.openai.azure.com/openai/files/import?api-version=2025-04-01-preview", r.Uri.AbsoluteUri);
            using var body = JsonDocument.Parse(r.Body);
            Assert.Equal("fine-tune", body.RootElement.GetProperty("purpose").GetString());
            Assert.Equal("train.jsonl", body.RootElement.GetProperty("filename").GetString());
            Assert.Equal(new Uri(sas).AbsoluteUri, body.RootElement.GetProperty("content_url").GetString());
            Assert.Equal(("file-9", "pending"), (file.Id, file.Status));
        }
        finally
        {
            ClientLog.Current = null;
        }
        Assert.Contains(log.Debugs, d => d.Contains("https://acct.blob.core.windows.net/data/train%20set.jsonl?..."));
        Assert.DoesNotContain(log.All, m => m.Contains("Zx9Secret") || m.Contains("sig="));
    }

    [Theory]
    [InlineData("ftp://host/train.jsonl", "train.jsonl", "Uri")]
    [InlineData("https://host/train.jsonl", "train.txt", "FileName")]
    [InlineData("https://host/train.jsonl", " ", "FileName")]
    public async Task ImportFile_RefusesABadUrlOrNameBeforeSending(string url, string name, string parameter)
    {
        using var t = new TestClient(new FakeHandler(), TestClient.Azure());
        var ex = await Assert.ThrowsAsync<ParameterValidationException>(() => t.Client.Files.ImportAsync(new Uri(url), name));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Empty(t.Handler.Requests);
    }

    [Fact]
    public async Task ImportFile_OnOpenAI_IsRefusedBeforeAnythingIsSent()
    {
        using var t = new TestClient(new FakeHandler());
        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => t.Client.Files.ImportAsync(new Uri("https://host/a.jsonl?sig=x"), "a.jsonl"));
        Assert.Contains("Add-FineTuningFile", ex.Message);
        Assert.Empty(t.Handler.Requests);
    }

    [Theory]
    [InlineData("https://a.blob.core.windows.net/c/f.jsonl?sv=1&sig=abc", "https://a.blob.core.windows.net/c/f.jsonl?...")]
    [InlineData("https://a.blob.core.windows.net/c/f.jsonl", "https://a.blob.core.windows.net/c/f.jsonl")]
    public void Redact_DropsOnlyTheQuery(string url, string shown) => Assert.Equal(shown, FilesClient.Redact(new Uri(url)));

    [Fact]
    public async Task DeleteJob_OnOpenAI_IsRefusedBeforeAnythingIsSent()
    {
        using var t = new TestClient(new FakeHandler().Then(_ => new HttpResponseMessage(HttpStatusCode.NoContent)));
        Assert.False(t.Client.HasAzureCalls);
        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => t.Client.Jobs.DeleteAsync("ftjob-abc"));
        Assert.Contains("Stop-FineTuningJob", ex.Message);
        Assert.Empty(t.Handler.Requests);
    }

    [Fact]
    public async Task FilesList_Delete_AndDownload_UseTheReferencePaths()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.OK, """{"object":"list","data":[],"has_more":false}""")
            .Then(HttpStatusCode.OK, """{"id":"file-1","object":"file","deleted":true}""")
            .Then(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("step,train_loss\n1,0.5\n")) }));
        await t.Client.Files.ListAsync("fine-tune", "file-0", 100, "asc");
        var deleted = await t.Client.Files.DeleteAsync("file-1");
        using var sink = new MemoryStream();
        var copied = await t.Client.Files.DownloadContentAsync("file-1", sink);
        var r = t.Handler.Requests;
        Assert.Equal("https://api.openai.com/v1/files?after=file-0&limit=100&purpose=fine-tune&order=asc", r[0].Uri.AbsoluteUri);
        Assert.Equal(HttpMethod.Delete, r[1].Method);
        Assert.Equal("https://api.openai.com/v1/files/file-1", r[1].Uri.AbsoluteUri);
        Assert.True(deleted.Deleted);
        Assert.Equal("https://api.openai.com/v1/files/file-1/content", r[2].Uri.AbsoluteUri);
        Assert.Equal("step,train_loss\n1,0.5\n", Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(sink.Length, copied);
    }

    [Fact]
    public async Task CreateJob_BodyUsesTheReferenceFieldNames_AndOmitsNulls()
    {
        var options = new NewJobOptions
        {
            Model = "gpt-4o-mini-2024-07-18",
            TrainingFile = "file-train",
            ValidationFile = "file-val",
            Method = TrainingMethod.Dpo,
            Epochs = 3,
            Beta = 0.1,
            LearningRateMultiplier = 1.8,
            Suffix = "my-model",
            Seed = 42,
            Metadata = new Dictionary<string, string> { ["team"] = "search" },
            WandbProject = "proj",
            WandbTag = new[] { "t1" },
        };
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Job));
        await t.Client.Jobs.CreateAsync(options.ToRequest());
        var r = t.Handler.Requests[0];
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal("https://api.openai.com/v1/fine_tuning/jobs", r.Uri.AbsoluteUri);
        Assert.Equal("application/json", r.ContentHeaders!.ContentType!.MediaType);
        Assert.DoesNotContain("null", r.BodyText);
        JsonAssert.Equivalent("""
            {"model":"gpt-4o-mini-2024-07-18","training_file":"file-train","validation_file":"file-val",
             "suffix":"my-model","seed":42,"metadata":{"team":"search"},
             "method":{"type":"dpo","dpo":{"hyperparameters":{"n_epochs":3,"learning_rate_multiplier":1.8,"beta":0.1}}},
             "integrations":[{"type":"wandb","wandb":{"project":"proj","tags":["t1"]}}]}
            """, r.BodyText);
    }

    [Fact]
    public async Task AzureCreated201WithLocation_IsASuccess()
    {
        using var t = new TestClient(new FakeHandler().Then(_ =>
        {
            var r = FakeHandler.Respond(HttpStatusCode.Created, Job);
            r.Headers.Location = new Uri("https://res.openai.azure.com/openai/fine_tuning/jobs/ftjob-abc");
            return r;
        }));
        var job = await t.Client.Jobs.CreateAsync(new CreateJobRequest { Model = "gpt-4o-mini", TrainingFile = "file-1" });
        Assert.Equal("ftjob-abc", job.Id);
        Assert.Single(t.Handler.Requests);
    }
}
