using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FineTuning.Client;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Emulator.Tests;

public class ValidationFailureTests
{
    [Fact]
    public async Task Fewer_than_ten_examples_fail_with_invalid_n_examples()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(7));
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id)).Id, "failed", "succeeded");
        Assert.Equal("failed", job.Status);
        Assert.Equal("invalid_n_examples", job.Error!.Code);
        Assert.Equal("Training file has 7 example(s), but must have at least 10 examples", job.Error.Message);
        Assert.Equal("training_file", job.Error.Param);
    }

    [Fact]
    public async Task A_line_that_is_not_json_fails_the_job_naming_the_line()
    {
        using var h = new Harness();
        var lines = Harness.ChatLines(12).ToList();
        lines[4] = "{\"messages\": [oops";
        var file = await h.UploadAsync(lines);
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id)).Id, "failed", "succeeded");
        Assert.Equal("invalid_training_file", job.Error!.Code);
        Assert.Contains("Line 5", job.Error.Message);
    }

    [Fact]
    public async Task A_message_without_role_fails_as_the_service_words_it()
    {
        using var h = new Harness();
        var lines = Harness.ChatLines(12).ToList();
        lines[2] = "{\"messages\":[{\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}";
        var file = await h.UploadAsync(lines);
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id)).Id, "failed", "succeeded");
        Assert.Contains("Example 3", job.Error!.Message);
        Assert.Contains("Discriminator 'role' is missing", job.Error.Message);
    }

    [Fact]
    public async Task Chat_data_for_a_dpo_job_fails_for_the_wrong_format()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(12));
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, method: TrainingMethod.Dpo)).Id, "failed", "succeeded");
        Assert.Equal("invalid_training_file", job.Error!.Code);
        Assert.Contains("fine-tune-chat format", job.Error.Message);
        Assert.Contains("method=dpo", job.Error.Message);
    }

    [Fact]
    public async Task The_dataset_validator_fails_a_job_the_line_reader_would_accept()
    {
        using var h = new Harness();
        var lines = Harness.ChatLines(12).ToList();
        lines[6] = lines[6].TrimEnd('}') + ",\"colour\":\"blue\"}";
        var file = await h.UploadAsync(lines);
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id)).Id, "failed", "succeeded");
        Assert.Equal("invalid_training_file", job.Error!.Code);
        Assert.Contains("Line 7", job.Error.Message);
        Assert.Contains("colour", job.Error.Message);
    }

    [Fact]
    public async Task Preference_data_trains_a_dpo_job()
    {
        using var h = new Harness();
        var lines = Enumerable.Range(1, 10).Select(i => JsonSerializer.Serialize(new
        {
            input = new { messages = new[] { new { role = "user", content = $"Greet person {i}." } } },
            preferred_output = new[] { new { role = "assistant", content = $"Hello, person {i}! Nice to meet you." } },
            non_preferred_output = new[] { new { role = "assistant", content = "Go away." } },
        }));
        var file = await h.UploadAsync(lines);
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, method: TrainingMethod.Dpo, beta: 0.5, epochs: 3, batch: 5)).Id, "failed", "succeeded");
        Assert.Equal("succeeded", job.Status);
        var losses = (await h.AllEventsAsync(job.Id)).Where(e => e.Type == "metrics").OrderBy(e => e.Metrics!.Step).Select(e => e.Metrics!.TrainLoss!.Value).ToList();
        Assert.Equal(Math.Log(2), losses[0], 6); // before any update the policy equals the reference: -log(sigmoid(0))
        Assert.True(losses[^1] < losses[0]);
    }
}

public class RequestTests
{
    [Fact]
    public async Task Unknown_ids_are_404_in_the_service_envelope()
    {
        using var h = new Harness();
        var job = await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Jobs.GetAsync("ftjob-nope"));
        Assert.Equal(404, job.StatusCode);
        Assert.Equal("invalid_request_error", job.ErrorType);
        var file = await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Files.GetAsync("file-nope"));
        Assert.Equal("No such File object: file-nope", file.Message.Contains("No such File object: file-nope") ? "No such File object: file-nope" : file.Message);
        Assert.Equal("id", file.Param);
    }

    [Theory]
    [InlineData("{\"training_file\":\"f\"}", "model")]
    [InlineData("{\"model\":\"gpt-4o-mini\"}", "training_file")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"training_file\":\"FILE\",\"suffix\":\"\"}", "suffix")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"training_file\":\"FILE\",\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"n_epochs\":51}}}}", "method.supervised.hyperparameters.n_epochs")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"training_file\":\"FILE\",\"method\":{\"type\":\"dpo\",\"dpo\":{\"hyperparameters\":{\"beta\":3}}}}", "method.dpo.hyperparameters.beta")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"training_file\":\"FILE\",\"method\":{\"type\":\"reinforcement\",\"reinforcement\":{}}}", "method.reinforcement.grader")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"training_file\":\"FILE\",\"colour\":1}", "colour")]
    [InlineData("{\"model\":\"no-such-model\",\"training_file\":\"FILE\"}", "model")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"training_file\":\"file-missing\"}", "id")]
    public async Task Bad_create_bodies_are_4xx_naming_the_field(string body, string param)
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        using var http = new HttpClient(h.Emulator.CreateHandler());
        var response = await http.PostAsync("http://localhost/v1/fine_tuning/jobs",
            new StringContent(body.Replace("FILE", file.Id), Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode is 400 or 404, $"status {(int)response.StatusCode}");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(0, h.Emulator.JobCount);
    }

    [Fact]
    public async Task Lists_page_newest_first_and_filter_by_metadata()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await h.CreateAsync(file.Id, metadata: new Dictionary<string, string> { ["n"] = (i % 2).ToString() })).Id);
        var page1 = await h.Client.Jobs.ListAsync(null, 2);
        Assert.Equal(new[] { ids[4], ids[3] }, page1.Data.Select(j => j.Id));
        Assert.True(page1.HasMore);
        var page3 = await h.Client.Jobs.ListAsync(ids[1], 2);
        Assert.Equal(new[] { ids[0] }, page3.Data.Select(j => j.Id));
        Assert.False(page3.HasMore);
        var odd = await h.Client.Jobs.ListAsync(null, 20, new Dictionary<string, string> { ["n"] = "1" });
        Assert.Equal(new[] { ids[3], ids[1] }, odd.Data.Select(j => j.Id));
    }

    [Fact]
    public async Task Multipart_uploads_are_accepted_with_quoted_or_bare_parameters()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler());
        foreach (var quoted in new[] { true, false })
        {
            var boundary = "b0undary";
            var q = quoted ? "\"" : string.Empty;
            var body = $"--{boundary}\r\nContent-Disposition: form-data; name={q}purpose{q}\r\n\r\nfine-tune\r\n" +
                       $"--{boundary}\r\nContent-Disposition: form-data; name={q}file{q}; filename={q}d.jsonl{q}\r\nContent-Type: application/octet-stream\r\n\r\n" +
                       string.Join("\n", Harness.ChatLines(10)) + $"\r\n--{boundary}--\r\n";
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
            var response = await http.PostAsync("http://localhost/v1/files", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("d.jsonl", doc.RootElement.GetProperty("filename").GetString());
        }
        Assert.Equal(2, h.Emulator.FileCount);
    }

    [Fact]
    public async Task An_api_key_is_required_when_configured()
    {
        using var wrong = new Harness(new EmulatorOptions { ManualClock = true, ApiKey = "sk-emu-right" }, clientKey: "sk-emu-wrong");
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => wrong.Client.Jobs.ListAsync(null, 1));
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("invalid_api_key", ex.ErrorCode);
        Assert.DoesNotContain("sk-emu-wrong", ex.Message);

        using var right = new Harness(new EmulatorOptions { ManualClock = true, ApiKey = "sk-emu-right" }, clientKey: "sk-emu-right");
        Assert.Empty((await right.Client.Jobs.ListAsync(null, 1)).Data);
    }

    [Fact]
    public async Task Injected_faults_answer_the_next_matching_requests_then_stop()
    {
        using var h = new Harness(maxRetries: 0);
        h.Emulator.Faults.Add(new EmulatorFault { Method = "GET", Path = "/fine_tuning/jobs", StatusCode = 429, Count = 2, RetryAfter = TimeSpan.FromSeconds(3) });
        for (var i = 0; i < 2; i++)
        {
            var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Jobs.ListAsync(null, 1));
            Assert.Equal(429, ex.StatusCode);
            Assert.Equal("rate_limit_exceeded", ex.ErrorCode);
        }
        Assert.Empty((await h.Client.Jobs.ListAsync(null, 1)).Data);
        Assert.Equal(0, h.Emulator.Faults.Pending);
    }

    [Fact]
    public async Task RequestCount_counts_every_answered_request_faults_and_errors_included()
    {
        using var h = new Harness(maxRetries: 1);
        Assert.Equal(0, h.Emulator.RequestCount);
        await h.Client.Jobs.ListAsync(null, 1);
        Assert.Equal(1, h.Emulator.RequestCount);
        // One injected 503 and the retry that follows it: two requests answered.
        h.Emulator.Faults.Add(new EmulatorFault { StatusCode = 503, Count = 1 });
        await h.Client.Jobs.ListAsync(null, 1);
        Assert.Equal(3, h.Emulator.RequestCount);
        // A 404 is an answer too.
        await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Jobs.GetAsync("ftjob-missing"));
        Assert.Equal(4, h.Emulator.RequestCount);
    }

    [Fact]
    public async Task The_client_retries_through_an_injected_429_honouring_retry_after()
    {
        using var h = new Harness(maxRetries: 2);
        var waits = new List<TimeSpan>();
        h.Client.Delay = (d, _) => { waits.Add(d); return Task.CompletedTask; };
        h.Emulator.Faults.Add(new EmulatorFault { StatusCode = 429, Count = 1, RetryAfter = TimeSpan.FromSeconds(2) });
        Assert.Empty((await h.Client.Jobs.ListAsync(null, 1)).Data);
        Assert.Equal(new[] { TimeSpan.FromSeconds(2) }, waits);
    }

    [Fact]
    public async Task A_job_fails_at_the_planned_step_with_the_planned_code()
    {
        using var h = new Harness();
        h.Emulator.Faults.FailJobAtStep(null, 3, "server_error", "Injected failure at step 3.");
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 2, batch: 2)).Id, "failed", "succeeded");
        Assert.Equal("failed", job.Status);
        Assert.Equal("server_error", job.Error!.Code);
        var metrics = (await h.AllEventsAsync(job.Id)).Count(e => e.Type == "metrics");
        Assert.Equal(2, metrics);
    }

    [Fact]
    public async Task The_listener_serves_the_same_api_over_loopback_http()
    {
        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true });
        var baseUri = emulator.StartListener();
        Assert.Equal("127.0.0.1", baseUri.Host);
        using var http = new HttpClient();
        var response = await http.GetAsync(baseUri + "/fine_tuning/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        Assert.False(doc.RootElement.GetProperty("has_more").GetBoolean());

        emulator.Faults.Add(new EmulatorFault { DropConnection = true });
        var ex = await Record.ExceptionAsync(async () => { var r = await http.GetAsync(baseUri + "/fine_tuning/jobs"); throw new Exception("got " + (int)r.StatusCode + " " + await r.Content.ReadAsStringAsync()); });
        Assert.True(ex is HttpRequestException, ex?.Message);
        emulator.StopListener();
        Assert.Null(emulator.ListenerBaseUri);
    }

    [Fact]
    public async Task The_azure_dialect_answers_create_with_201_and_a_location()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        using var http = new HttpClient(h.Emulator.CreateHandler());
        var body = new StringContent($"{{\"model\":\"gpt-4o-mini\",\"training_file\":\"{file.Id}\"}}", Encoding.UTF8, "application/json");
        var response = await http.PostAsync("http://localhost/openai/fine_tuning/jobs?api-version=2025-04-01-preview", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("/openai/fine_tuning/jobs/ftjob-", response.Headers.Location!.OriginalString);
        var missingVersion = await http.GetAsync("http://localhost/openai/fine_tuning/jobs");
        Assert.Equal(HttpStatusCode.NotFound, missingVersion.StatusCode);
        var v1 = await http.GetAsync("http://localhost/openai/v1/fine_tuning/jobs");
        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
    }
}

public class AzureDialectTests
{
    [Fact]
    public async Task The_dated_azure_api_answers_in_azure_shapes()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler());
        const string v = "?api-version=2025-04-01-preview";
        var form = new MultipartFormDataContent
        {
            { new StringContent("fine-tune"), "purpose" },
            { new StringContent(string.Join("\n", Harness.ChatLines(10))), "file", "t.jsonl" },
        };
        var upload = await http.PostAsync("http://localhost/openai/files" + v, form);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var fileId = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal("/openai/files/" + fileId, upload.Headers.Location!.OriginalString);

        var missing = await http.GetAsync("http://localhost/openai/fine_tuning/jobs/ftjob-nope" + v);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("notFound", error.GetProperty("code").GetString());
        Assert.True(missing.Headers.Contains("apim-request-id"));

        var badSuffix = await http.PostAsync("http://localhost/openai/fine_tuning/jobs" + v,
            new StringContent($"{{\"model\":\"gpt-4o-mini\",\"training_file\":\"{fileId}\",\"suffix\":\"has spaces\"}}", Encoding.UTF8, "application/json"));
        var badError = JsonDocument.Parse(await badSuffix.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalidPayload", badError.GetProperty("code").GetString());
        Assert.Equal("suffix", badError.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Azure_jobs_get_azure_model_names_and_can_be_deleted_once_finished()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        using var http = new HttpClient(h.Emulator.CreateHandler());
        var created = await http.PostAsync("http://localhost/openai/v1/fine_tuning/jobs",
            new StringContent($"{{\"model\":\"gpt-4o-mini\",\"training_file\":\"{file.Id}\",\"suffix\":\"ops\",\"method\":{{\"type\":\"supervised\",\"supervised\":{{\"hyperparameters\":{{\"n_epochs\":2}}}}}}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        Assert.Matches("^ftjob-[0-9a-f]{32}$", id);

        var early = await http.DeleteAsync($"http://localhost/openai/v1/fine_tuning/jobs/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);

        var job = await h.RunUntilAsync(id, "succeeded");
        Assert.Equal($"gpt-4o-mini-2024-07-18.ft-{id.Substring(6)}-ops", job.FineTunedModel);
        var checkpoints = (await h.Client.Jobs.ListCheckpointsAsync(id, null, 10)).Data;
        Assert.Equal($"{job.FineTunedModel}:ckpt-step-10", checkpoints[1].FineTunedModelCheckpoint); // 10 examples, batch 1: 10 steps an epoch

        var deleted = await http.DeleteAsync($"http://localhost/openai/v1/fine_tuning/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, h.Emulator.JobCount);
    }

    [Fact]
    public async Task Models_list_the_model_of_a_job_that_finished_while_nobody_read_it()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var first = await h.CreateAsync(file.Id, suffix: "first");
        var second = await h.CreateAsync(file.Id, suffix: "second");
        h.Emulator.Clock.Advance(TimeSpan.FromDays(1));   // both finish; neither job is read before the models are

        var tuned = (await h.Client.Models.ListAsync()).Data.Where(m => m.IsFineTuned).Select(m => m.Id).ToList();
        Assert.Equal(2, tuned.Count);
        Assert.Contains(tuned, m => m.Contains(":first:"));
        var model = tuned.Single(m => m.Contains(":second:"));
        Assert.Equal(model, (await h.Client.Models.GetAsync(model)).Id);
        Assert.Equal(model, (await h.Client.Jobs.GetAsync(second.Id)).FineTunedModel);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Models_list_base_and_fine_tuned_models_and_delete_only_fine_tuned_ones()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 2)).Id, "succeeded");
        var models = (await h.Client.Models.ListAsync()).Data;
        Assert.Contains(models, m => m.Id == "gpt-4o-mini-2024-07-18" && !m.IsFineTuned && m.OwnedBy == "system");
        var tuned = Assert.Single(models, m => m.IsFineTuned);
        Assert.Equal(job.FineTunedModel, tuned.Id);
        Assert.Equal(job.FinishedAt, tuned.Created);
        Assert.Null(tuned.FineTune); // OpenAI's shape: no Azure fields

        // The raw answer carries shutdown_date, null: nothing is announced.
        using var http = new HttpClient(h.Emulator.CreateHandler());
        var raw = JsonDocument.Parse(await http.GetStringAsync("http://localhost/v1/models/" + Uri.EscapeDataString(job.FineTunedModel!))).RootElement;
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("shutdown_date").ValueKind);
        Assert.Equal(job.FineTunedModel, (await h.Client.Models.GetAsync(job.FineTunedModel!)).Id);

        // A checkpoint reads as a model of its own while its fine-tuned model exists.
        var checkpoint = (await h.Client.Jobs.ListCheckpointsAsync(job.Id, null, 10)).Data.First(c => c.FineTunedModelCheckpoint!.Contains(":ckpt-step-"));
        var asModel = await h.Client.Models.GetAsync(checkpoint.FineTunedModelCheckpoint!);
        Assert.True(asModel.IsCheckpoint);
        Assert.Equal(checkpoint.CreatedAt, asModel.Created);

        var refused = await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Models.DeleteAsync("gpt-4o-mini"));
        Assert.Equal(403, refused.StatusCode);
        Assert.True((await h.Client.Models.DeleteAsync(job.FineTunedModel!)).Deleted);
        Assert.DoesNotContain((await h.Client.Models.ListAsync()).Data, m => m.IsFineTuned);
        var gone = await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Models.GetAsync(job.FineTunedModel!));
        Assert.Equal(404, gone.StatusCode);
        var checkpointGone = await Assert.ThrowsAsync<FineTuningServiceException>(() => h.Client.Models.GetAsync(checkpoint.FineTunedModelCheckpoint!));
        Assert.Equal(404, checkpointGone.StatusCode);
    }

    [Fact]
    public async Task Azure_models_name_their_base_model_and_job()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        using var http = new HttpClient(h.Emulator.CreateHandler());
        var created = await http.PostAsync("http://localhost/openai/v1/fine_tuning/jobs",
            new StringContent($"{{\"model\":\"gpt-4o-mini\",\"training_file\":\"{file.Id}\",\"method\":{{\"type\":\"supervised\",\"supervised\":{{\"hyperparameters\":{{\"n_epochs\":1}}}}}}}}", Encoding.UTF8, "application/json"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var job = await h.RunUntilAsync(id, "succeeded");
        var list = JsonDocument.Parse(await http.GetStringAsync("http://localhost/openai/models?api-version=2025-04-01-preview")).RootElement.GetProperty("data");
        var model = list.EnumerateArray().Single(m => m.GetProperty("id").GetString() == job.FineTunedModel);
        Assert.Equal("gpt-4o-mini-2024-07-18", model.GetProperty("model").GetString());
        Assert.Equal(id, model.GetProperty("fine_tune").GetString());
        Assert.Equal("succeeded", model.GetProperty("status").GetString());
    }
}
