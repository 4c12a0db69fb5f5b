using System.Net;
using System.Text.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>
/// Every call of every resource client: its verb and path, and that it goes through the one base (a 503 with Retry-After
/// is waited out and retried, counted in x-stainless-retry-count; a 404 is not retried).
/// </summary>
public class ResourceClientTests
{
    private const string Job = """{"object":"fine_tuning.job","id":"ftjob-1","model":"m","created_at":1700000000,"status":"running","training_file":"file-t"}""";
    private const string File = """{"object":"file","id":"file-1","bytes":3,"created_at":1700000000,"filename":"a.jsonl","purpose":"fine-tune"}""";
    private const string Deleted = """{"id":"x","object":"x","deleted":true}""";
    private const string Model = """{"id":"ft:m:o::1","object":"model","created":1700000000,"owned_by":"o"}""";
    private const string Upload = """{"id":"upload_1","object":"upload","status":"pending","created_at":1700000000}""";
    private const string Grader = """{"type":"string_check","name":"g","input":"{{sample.output_text}}","reference":"a","operation":"eq"}""";

    private static string Page(string item) => "{\"object\":\"list\",\"data\":[" + item + "],\"has_more\":false}";

    private sealed record Call(Func<FineTuningClient, Task> Run, string Method, string Path, string Answer);

    private static readonly Dictionary<string, Call> Calls = new()
    {
        ["Jobs.Create"] = new(c => c.Jobs.CreateAsync(new CreateJobRequest { Model = "m", TrainingFile = "file-t" }), "POST", "/v1/fine_tuning/jobs", Job),
        ["Jobs.Get"] = new(c => c.Jobs.GetAsync("ftjob-1"), "GET", "/v1/fine_tuning/jobs/ftjob-1", Job),
        ["Jobs.List"] = new(c => c.Jobs.ListAsync(null, 2), "GET", "/v1/fine_tuning/jobs", Page(Job)),
        ["Jobs.Cancel"] = new(c => c.Jobs.CancelAsync("ftjob-1"), "POST", "/v1/fine_tuning/jobs/ftjob-1/cancel", Job),
        ["Jobs.Pause"] = new(c => c.Jobs.PauseAsync("ftjob-1"), "POST", "/v1/fine_tuning/jobs/ftjob-1/pause", Job),
        ["Jobs.Resume"] = new(c => c.Jobs.ResumeAsync("ftjob-1"), "POST", "/v1/fine_tuning/jobs/ftjob-1/resume", Job),
        ["Jobs.Delete"] = new(c => c.Jobs.DeleteAsync("ftjob-1"), "DELETE", "/v1/fine_tuning/jobs/ftjob-1", "{}"),
        ["Jobs.ListEvents"] = new(c => c.Jobs.ListEventsAsync("ftjob-1", null, 5), "GET", "/v1/fine_tuning/jobs/ftjob-1/events", Page("""{"object":"fine_tuning.job.event","id":"ev-1","created_at":1700000000,"level":"info","message":"hi"}""")),
        ["Jobs.ListCheckpoints"] = new(c => c.Jobs.ListCheckpointsAsync("ftjob-1", null, 5), "GET", "/v1/fine_tuning/jobs/ftjob-1/checkpoints", Page("""{"object":"fine_tuning.job.checkpoint","id":"ckpt-1","created_at":1700000000,"fine_tuned_model_checkpoint":"ft:m:o::1:ckpt-step-1","step_number":1,"fine_tuning_job_id":"ftjob-1"}""")),
        ["Files.Get"] = new(c => c.Files.GetAsync("file-1"), "GET", "/v1/files/file-1", File),
        ["Files.List"] = new(c => c.Files.ListAsync("fine-tune", null, 10), "GET", "/v1/files", Page(File)),
        ["Files.Delete"] = new(c => c.Files.DeleteAsync("file-1"), "DELETE", "/v1/files/file-1", Deleted),
        ["Files.DownloadContent"] = new(c => c.Files.DownloadContentAsync("file-1", new MemoryStream()), "GET", "/v1/files/file-1/content", "abc"),
        ["Files.Import"] = new(c => c.Files.ImportAsync(new Uri("https://blob.example.test/a.jsonl?sig=s"), "a.jsonl"), "POST", "/v1/files/import", File),
        ["Uploads.Create"] = new(c => c.Uploads.CreateAsync(new CreateUploadRequest { Filename = "a.jsonl", Purpose = "fine-tune", Bytes = 3, MimeType = "text/jsonl" }), "POST", "/v1/uploads", Upload),
        ["Uploads.Complete"] = new(c => c.Uploads.CompleteAsync("upload_1", new CompleteUploadRequest { PartIds = { "part_1" } }), "POST", "/v1/uploads/upload_1/complete", Upload),
        ["Uploads.Cancel"] = new(c => c.Uploads.CancelAsync("upload_1"), "POST", "/v1/uploads/upload_1/cancel", Upload),
        ["Models.List"] = new(c => c.Models.ListAsync(), "GET", "/v1/models", Page(Model)),
        ["Models.Get"] = new(c => c.Models.GetAsync("ft:m:o::1"), "GET", "/v1/models/ft%3Am%3Ao%3A%3A1", Model),
        ["Models.Delete"] = new(c => c.Models.DeleteAsync("ft:m:o::1"), "DELETE", "/v1/models/ft%3Am%3Ao%3A%3A1", Deleted),
        ["Graders.Validate"] = new(c => c.Graders.ValidateAsync(JsonDocument.Parse(Grader).RootElement), "POST", "/v1/fine_tuning/alpha/graders/validate", "{\"grader\":" + Grader + "}"),
        ["Graders.Run"] = new(c => c.Graders.RunAsync(new RunGraderRequest { Grader = JsonDocument.Parse(Grader).RootElement, ModelSample = "a" }), "POST", "/v1/fine_tuning/alpha/graders/run", """{"reward":1.0,"metadata":{"errors":{}}}"""),
        ["Permissions.List"] = new(c => c.Permissions.ListAsync("ft:m:o::1", null, null, null), "GET", "/v1/fine_tuning/checkpoints/ft%3Am%3Ao%3A%3A1/permissions", Page("""{"object":"checkpoint.permission","id":"cp_1","created_at":1700000000,"project_id":"proj_a"}""")),
        ["Permissions.Create"] = new(c => c.Permissions.CreateAsync("ft:m:o::1", new[] { "proj_a" }), "POST", "/v1/fine_tuning/checkpoints/ft%3Am%3Ao%3A%3A1/permissions", Page("""{"object":"checkpoint.permission","id":"cp_1","created_at":1700000000,"project_id":"proj_a"}""")),
        ["Permissions.Delete"] = new(c => c.Permissions.DeleteAsync("ft:m:o::1", "cp_1"), "DELETE", "/v1/fine_tuning/checkpoints/ft%3Am%3Ao%3A%3A1/permissions/cp_1", Deleted),
        ["Emulator.GetClock"] = new(c => c.Emulator.GetClockAsync(), "GET", "/_emulator/clock", """{"object":"emulator.clock","now":1700000000}"""),
        ["Emulator.ClearFaults"] = new(c => c.Emulator.ClearFaultsAsync(), "DELETE", "/_emulator/faults", """{"object":"emulator.fault","pending":0}"""),
    };

    public static TheoryData<string> CallNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Calls.Keys) data.Add(name);
        return data;
    }

    /// <summary>A compatible service on https (it may have Azure OpenAI's calls and may be an emulator, so every call is allowed).</summary>
    private static ConnectionOptions Service() => new()
    {
        Kind = ServiceKind.Compatible,
        BaseUri = new Uri("https://svc.example.test/v1"),
        ApiKey = FineTuningConnection.ToSecureString(TestClient.Key),
    };

    [Theory]
    [MemberData(nameof(CallNames))]
    public async Task Each_call_uses_its_verb_and_path_and_is_retried_by_the_base_after_a_503(string name)
    {
        var call = Calls[name];
        var handler = new FakeHandler()
            .Then(HttpStatusCode.ServiceUnavailable, """{"error":{"message":"busy"}}""", ("Retry-After", "2"))
            .Then(HttpStatusCode.OK, call.Answer);
        using var t = new TestClient(handler, Service());
        await call.Run(t.Client);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(new[] { TimeSpan.FromSeconds(2) }, t.Delays);
        foreach (var seen in handler.Requests)
        {
            Assert.Equal(call.Method, seen.Method.Method);
            Assert.Equal(call.Path, seen.Uri.AbsolutePath);
            Assert.Equal("Bearer " + TestClient.Key, seen.Header("Authorization"));
        }
        Assert.Null(handler.Requests[0].Header("x-stainless-retry-count"));
        Assert.Equal("1", handler.Requests[1].Header("x-stainless-retry-count"));
    }

    [Theory]
    [MemberData(nameof(CallNames))]
    public async Task Each_call_reports_a_404_at_once_without_retrying(string name)
    {
        var handler = new FakeHandler().Then(HttpStatusCode.NotFound, """{"error":{"message":"No such thing.","type":"invalid_request_error","code":"not_found"}}""");
        using var t = new TestClient(handler, Service());
        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => Calls[name].Run(t.Client));
        if (name.StartsWith("Emulator.", StringComparison.Ordinal))
            Assert.IsType<FineTuningServiceException>(Assert.IsType<NotAnEmulatorException>(ex).InnerException);
        else
            Assert.Equal(404, Assert.IsType<FineTuningServiceException>(ex).StatusCode);
        Assert.Single(handler.Requests);
        Assert.Empty(t.Delays);
    }
}
