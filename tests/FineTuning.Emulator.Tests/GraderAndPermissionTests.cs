using System.Net;
using System.Text;
using System.Text.Json;
using FineTuning.Client;
using Xunit;

namespace FineTuning.Emulator.Tests;

public class GraderAndPermissionTests
{
    private static async Task<(HttpStatusCode, JsonElement)> Post(HttpClient http, string url, string json)
    {
        var response = await http.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task String_check_and_text_similarity_graders_run_locally()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var check = "{\"type\":\"string_check\",\"name\":\"exact\",\"input\":\"{{sample.output_text}}\",\"reference\":\"{{item.answer}}\",\"operation\":\"eq\"}";
        var (s1, hit) = await Post(http, "fine_tuning/alpha/graders/run", $"{{\"grader\":{check},\"model_sample\":\"Paris\",\"item\":{{\"answer\":\"Paris\"}}}}");
        Assert.Equal(HttpStatusCode.OK, s1);
        Assert.Equal(1.0, hit.GetProperty("reward").GetDouble());
        Assert.Equal("string_check", hit.GetProperty("metadata").GetProperty("type").GetString());
        var (_, miss) = await Post(http, "fine_tuning/alpha/graders/run", $"{{\"grader\":{check},\"model_sample\":\"Lyon\",\"item\":{{\"answer\":\"Paris\"}}}}");
        Assert.Equal(0.0, miss.GetProperty("reward").GetDouble());

        var fuzzy = "{\"type\":\"text_similarity\",\"name\":\"close\",\"input\":\"{{sample.output_text}}\",\"reference\":\"the cat sat on the mat\",\"evaluation_metric\":\"fuzzy_match\"}";
        var (_, same) = await Post(http, "fine_tuning/alpha/graders/run", $"{{\"grader\":{fuzzy},\"model_sample\":\"the cat sat on the mat\"}}");
        var (_, near) = await Post(http, "fine_tuning/alpha/graders/run", $"{{\"grader\":{fuzzy},\"model_sample\":\"the cat sat on a mat\"}}");
        var (_, far) = await Post(http, "fine_tuning/alpha/graders/run", $"{{\"grader\":{fuzzy},\"model_sample\":\"quantum chromodynamics\"}}");
        Assert.Equal(1.0, same.GetProperty("reward").GetDouble(), 6);
        Assert.InRange(near.GetProperty("reward").GetDouble(), 0.8, 0.99);
        Assert.True(far.GetProperty("reward").GetDouble() < near.GetProperty("reward").GetDouble());
    }

    [Fact]
    public async Task Graders_are_validated_and_those_needing_a_model_are_refused_clearly()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var (ok, valid) = await Post(http, "fine_tuning/alpha/graders/validate",
            "{\"grader\":{\"type\":\"score_model\",\"name\":\"judge\",\"model\":\"o4-mini\",\"input\":[{\"role\":\"user\",\"content\":\"rate\"}]}}");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("judge", valid.GetProperty("grader").GetProperty("name").GetString());

        var (bad, badBody) = await Post(http, "fine_tuning/alpha/graders/validate",
            "{\"grader\":{\"type\":\"string_check\",\"name\":\"x\",\"input\":\"a\",\"reference\":\"b\",\"operation\":\"contains\"}}");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("grader.operation", badBody.GetProperty("error").GetProperty("param").GetString());

        var (unsupported, body) = await Post(http, "fine_tuning/alpha/graders/run",
            "{\"grader\":{\"type\":\"score_model\",\"name\":\"judge\",\"model\":\"o4-mini\",\"input\":[]},\"model_sample\":\"hi\"}");
        Assert.Equal(HttpStatusCode.BadRequest, unsupported);
        Assert.Equal("grader_not_supported", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("emulator", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_reinforcement_job_with_a_broken_grader_is_refused_naming_the_field()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var (status, body) = await Post(http, "fine_tuning/jobs",
            $"{{\"model\":\"o4-mini\",\"training_file\":\"{file.Id}\",\"validation_file\":\"{file.Id}\",\"method\":{{\"type\":\"reinforcement\",\"reinforcement\":{{\"grader\":{{\"type\":\"text_similarity\",\"name\":\"g\",\"input\":\"a\",\"reference\":\"b\"}}}}}}}}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("method.reinforcement.grader.evaluation_metric", body.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Checkpoint_permissions_are_granted_listed_and_revoked()
    {
        using var h = new Harness();
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var job = await h.RunUntilAsync((await h.CreateAsync(file.Id, epochs: 3, batch: 5)).Id, "succeeded");
        var checkpoint = (await h.Client.Jobs.ListCheckpointsAsync(job.Id, null, 10)).Data[1].FineTunedModelCheckpoint!;
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var path = $"fine_tuning/checkpoints/{Uri.EscapeDataString(checkpoint)}/permissions";

        var (created, grant) = await Post(http, path, "{\"project_ids\":[\"proj_a\",\"proj_b\"]}");
        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal(2, grant.GetProperty("data").GetArrayLength());
        var first = grant.GetProperty("data")[0].GetProperty("id").GetString()!;
        Assert.StartsWith("cp_", first);

        var list = JsonDocument.Parse(await http.GetStringAsync(path + "?project_id=proj_b")).RootElement;
        Assert.Equal("proj_b", list.GetProperty("data")[0].GetProperty("project_id").GetString());
        Assert.Equal(1, list.GetProperty("data").GetArrayLength());

        var deleted = await http.DeleteAsync($"{path}/{first}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var after = JsonDocument.Parse(await http.GetStringAsync(path)).RootElement;
        Assert.Equal(1, after.GetProperty("data").GetArrayLength());

        var missing = await http.GetAsync("fine_tuning/checkpoints/ft:nope:ckpt-step-1/permissions");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var (badProject, _) = await Post(http, path, "{\"project_ids\":[\"team-a\"]}");
        Assert.Equal(HttpStatusCode.BadRequest, badProject);
    }
}
