using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FineTuning.Emulator;
using Xunit;

namespace FineTuning.Interop.Tests;

/// <summary>
/// Drives the emulator through every kind of answer it gives (files, uploads, jobs of each method in each status,
/// events, checkpoints, permissions, models, graders, deletes, lists and errors) and validates each answer against
/// the response schema the official OpenAPI description gives for that operation, so a future mismatch fails here.
/// </summary>
public class ResponseSchemaTests
{
    private sealed record Answer(string Method, string Path, int Status, string Body);

    /// <summary>Calls the emulator in process and keeps every JSON answer for validation.</summary>
    private sealed class Recorder : IDisposable
    {
        public Recorder()
        {
            Emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, TimeScale = 1, Seed = 17 });
            Http = new HttpClient(Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        }

        public FineTuningEmulator Emulator { get; }
        public HttpClient Http { get; }
        public List<Answer> Answers { get; } = new();

        public async Task<JsonElement> Send(HttpMethod method, string path, HttpContent? content = null, int expect = 200)
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == expect, $"{method} {path} answered {(int)response.StatusCode}, expected {expect}: {body}");
            Answers.Add(new Answer(method.Method, "/" + path.TrimStart('/').Split('?')[0], (int)response.StatusCode, body));
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        public Task<JsonElement> Get(string path, int expect = 200) => Send(HttpMethod.Get, path, null, expect);
        public Task<JsonElement> Delete(string path, int expect = 200) => Send(HttpMethod.Delete, path, null, expect);
        public Task<JsonElement> Post(string path, string json, int expect = 200) =>
            Send(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"), expect);

        public Task<JsonElement> Upload(byte[] data, string name, string purpose = "fine-tune")
        {
            var form = new MultipartFormDataContent();
            form.Add(new StringContent(purpose), "purpose");
            var file = new ByteArrayContent(data);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(file, "file", name);
            return Send(HttpMethod.Post, "files", form);
        }

        public async Task<JsonElement> Until(string jobId, params string[] statuses)
        {
            for (var i = 0; i < 2000; i++)
            {
                var job = await Get("fine_tuning/jobs/" + jobId);
                if (statuses.Contains(job.GetProperty("status").GetString())) return job;
                Emulator.Clock.Advance(TimeSpan.FromSeconds(20));
            }
            throw new InvalidOperationException($"{jobId} never reached {string.Join("/", statuses)}.");
        }

        public void Dispose()
        {
            Http.Dispose();
            Emulator.Dispose();
        }
    }

    private static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "data", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"examples/data/{name} was not found above {AppContext.BaseDirectory}.");
    }

    private static async Task Drive(Recorder r)
    {
        // Files: upload, retrieve, list, and a file that fails validation.
        var train = (await r.Upload(File.ReadAllBytes(Example("train.jsonl")), "train.jsonl")).GetProperty("id").GetString()!;
        var valid = (await r.Upload(File.ReadAllBytes(Example("validation.jsonl")), "validation.jsonl")).GetProperty("id").GetString()!;
        var preference = (await r.Upload(File.ReadAllBytes(Example("preference.jsonl")), "preference.jsonl")).GetProperty("id").GetString()!;
        var rlTrain = (await r.Upload(File.ReadAllBytes(Example("reinforcement-train.jsonl")), "rl-train.jsonl")).GetProperty("id").GetString()!;
        var rlValid = (await r.Upload(File.ReadAllBytes(Example("reinforcement-validation.jsonl")), "rl-valid.jsonl")).GetProperty("id").GetString()!;
        var tooSmall = (await r.Upload(Encoding.UTF8.GetBytes(string.Join("\n", File.ReadAllLines(Example("train.jsonl")).Take(3)) + "\n"), "small.jsonl"))
            .GetProperty("id").GetString()!;
        var other = (await r.Upload(Encoding.UTF8.GetBytes("{\"note\":\"for a batch\"}\n"), "batch.jsonl", "batch")).GetProperty("id").GetString()!;
        await r.Get("files/" + train);
        await r.Get("files?limit=2");
        await r.Get("files?purpose=fine-tune&order=asc");

        // Uploads: create, a part, complete; and one cancelled.
        var bytes = File.ReadAllBytes(Example("validation.jsonl"));
        var upload = await r.Post("uploads", JsonSerializer.Serialize(new { filename = "parts.jsonl", purpose = "fine-tune", bytes = bytes.Length, mime_type = "application/jsonl" }));
        var uploadId = upload.GetProperty("id").GetString()!;
        var form = new MultipartFormDataContent();
        var data = new ByteArrayContent(bytes);
        data.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(data, "data", "part");
        var part = await r.Send(HttpMethod.Post, $"uploads/{uploadId}/parts", form);
        await r.Post($"uploads/{uploadId}/complete", JsonSerializer.Serialize(new { part_ids = new[] { part.GetProperty("id").GetString() } }));
        var dropped = (await r.Post("uploads", JsonSerializer.Serialize(new { filename = "never.jsonl", purpose = "fine-tune", bytes = 10, mime_type = "application/jsonl" })))
            .GetProperty("id").GetString()!;
        await r.Post($"uploads/{dropped}/cancel", "{}");

        // Jobs of each method: supervised (method and legacy hyperparameters), DPO, reinforcement.
        var supervised = (await r.Post("fine_tuning/jobs", JsonSerializer.Serialize(new
        {
            model = "gpt-4o-mini-2024-07-18", training_file = train, validation_file = valid, suffix = "schema", seed = 3,
            metadata = new { suite = "schema" },
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 2, batch_size = 4 } } },
        }))).GetProperty("id").GetString()!;
        var legacy = (await r.Post("fine_tuning/jobs", JsonSerializer.Serialize(new
        {
            model = "gpt-4o-mini-2024-07-18", training_file = train, hyperparameters = new { n_epochs = 1 },
        }))).GetProperty("id").GetString()!;
        var dpo = (await r.Post("fine_tuning/jobs", JsonSerializer.Serialize(new
        {
            model = "gpt-4o-mini-2024-07-18", training_file = preference,
            method = new { type = "dpo", dpo = new { hyperparameters = new { beta = 0.2, n_epochs = 1 } } },
        }))).GetProperty("id").GetString()!;
        var grader = JsonDocument.Parse(File.ReadAllText(Example("reinforcement-grader.json"))).RootElement;
        var reinforcement = (await r.Post("fine_tuning/jobs", JsonSerializer.Serialize(new
        {
            model = "o4-mini-2025-04-16", training_file = rlTrain, validation_file = rlValid,
            method = new { type = "reinforcement", reinforcement = new { grader, hyperparameters = new { n_epochs = 1 } } },
        }))).GetProperty("id").GetString()!;
        var failing = (await r.Post("fine_tuning/jobs", JsonSerializer.Serialize(new { model = "gpt-4o-mini-2024-07-18", training_file = tooSmall })))
            .GetProperty("id").GetString()!;
        var cancelled = (await r.Post("fine_tuning/jobs", JsonSerializer.Serialize(new { model = "gpt-4o-mini-2024-07-18", training_file = train })))
            .GetProperty("id").GetString()!;

        // Each status: validating_files now, then queued, running, paused, resumed, cancelled, failed, succeeded.
        await r.Get("fine_tuning/jobs/" + supervised);
        await r.Post($"fine_tuning/jobs/{cancelled}/cancel", "{}");
        await r.Until(supervised, "queued", "running");
        await r.Until(supervised, "running");
        await r.Post($"fine_tuning/jobs/{supervised}/pause", "{}");
        await r.Get("fine_tuning/jobs/" + supervised);
        await r.Post($"fine_tuning/jobs/{supervised}/resume", "{}");
        foreach (var id in new[] { supervised, legacy, dpo, reinforcement }) await r.Until(id, "succeeded", "failed");
        await r.Until(failing, "failed");

        await r.Get("fine_tuning/jobs?limit=3");
        await r.Get("fine_tuning/jobs?metadata[suite]=schema");
        foreach (var id in new[] { supervised, dpo, reinforcement, failing, cancelled })
        {
            await r.Get($"fine_tuning/jobs/{id}/events?limit=100");
            await r.Get($"fine_tuning/jobs/{id}/checkpoints?limit=10");
        }

        // Checkpoint permissions on the supervised job's last checkpoint.
        var checkpoints = await r.Get($"fine_tuning/jobs/{supervised}/checkpoints");
        var checkpoint = checkpoints.GetProperty("data")[0].GetProperty("fine_tuned_model_checkpoint").GetString()!;
        var escaped = Uri.EscapeDataString(checkpoint);
        var granted = await r.Post($"fine_tuning/checkpoints/{escaped}/permissions", "{\"project_ids\":[\"proj_schema1\",\"proj_schema2\"]}");
        await r.Get($"fine_tuning/checkpoints/{escaped}/permissions");
        await r.Delete($"fine_tuning/checkpoints/{escaped}/permissions/{granted.GetProperty("data")[0].GetProperty("id").GetString()}");

        // Models: list, the fine-tuned one, deleting it.
        var model = (await r.Get("fine_tuning/jobs/" + legacy)).GetProperty("fine_tuned_model").GetString()!;
        await r.Get("models");
        await r.Get("models/" + Uri.EscapeDataString(model));
        await r.Get("models/gpt-4o-mini-2024-07-18");
        await r.Delete("models/" + Uri.EscapeDataString(model));

        // Graders: validate and run.
        var graderJson = grader.GetRawText();
        await r.Post("fine_tuning/alpha/graders/validate", $"{{\"grader\":{graderJson}}}");
        await r.Post("fine_tuning/alpha/graders/run", $"{{\"grader\":{graderJson},\"model_sample\":\"$_\",\"item\":{{\"answer\":\"$_\"}}}}");
        await r.Post("fine_tuning/alpha/graders/run",
            "{\"grader\":{\"type\":\"text_similarity\",\"name\":\"near\",\"input\":\"{{sample.output_text}}\",\"reference\":\"the cat sat\",\"evaluation_metric\":\"fuzzy_match\"},\"model_sample\":\"the cat sat down\"}");

        // Deletes and errors.
        await r.Delete("files/" + other);
        await r.Get("fine_tuning/jobs/ftjob-missing", 404);
        await r.Get("files/file-missing", 404);
        await r.Post("fine_tuning/jobs", "{\"model\":\"gpt-4o-mini\"}", 400);
        await r.Post($"fine_tuning/jobs/{supervised}/pause", "{}", 400);
        await r.Post("fine_tuning/alpha/graders/validate", "{\"grader\":{\"type\":\"string_check\",\"name\":\"x\",\"input\":\"a\",\"reference\":\"b\",\"operation\":\"contains\"}}", 400);
    }

    [Fact]
    public async Task Every_kind_of_answer_validates_against_the_official_response_schemas()
    {
        var schemas = OpenApiSchemas.Load();
        using var r = new Recorder();
        await Drive(r);

        var failures = new List<string>();
        var checkedComponents = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var answer in r.Answers)
        {
            var component = answer.Status == 200 ? schemas.ResponseComponent(answer.Method, answer.Path) : "ErrorResponse";
            if (component is null) continue;
            checkedComponents.Add(component);
            using var document = JsonDocument.Parse(answer.Body);
            foreach (var problem in schemas.Problems(component, document.RootElement))
                failures.Add($"{answer.Method} {answer.Path} ({answer.Status}) as {component}: {problem}");
        }

        // Every kind of answer was met: a schema the drive stopped reaching would otherwise go unchecked.
        string[] expected =
        {
            "DeleteFileResponse", "DeleteFineTuningCheckpointPermissionResponse", "DeleteModelResponse", "ErrorResponse", "FineTuningJob",
            "ListFilesResponse", "ListFineTuningCheckpointPermissionResponse", "ListFineTuningJobCheckpointsResponse",
            "ListFineTuningJobEventsResponse", "ListModelsResponse", "ListPaginatedFineTuningJobsResponse", "Model", "OpenAIFile",
            "RunGraderResponse", "Upload", "UploadPart", "ValidateGraderResponse",
        };
        Assert.Equal(expected, checkedComponents);
        Assert.True(failures.Count == 0, $"{failures.Count} schema mismatch(es):\n" + string.Join("\n", failures.Distinct().Take(60)));
    }
}
