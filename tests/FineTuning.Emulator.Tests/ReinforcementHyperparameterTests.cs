using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>The reinforcement hyperparameters are checked as the service checks them, echoed on the job, and a reinforcement run reports its tokens.</summary>
public class ReinforcementHyperparameterTests
{
    private const string Grader = "{\"type\":\"string_check\",\"name\":\"exact\",\"input\":\"{{sample.output_text}}\",\"reference\":\"{{item.answer}}\",\"operation\":\"eq\"}";

    private static IEnumerable<string> Lines(int count) => Enumerable.Range(1, count).Select(i => JsonSerializer.Serialize(new
    {
        messages = new[] { new { role = "user", content = $"What is {i} plus {i}? Answer with the number only." } },
        answer = (i + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
    }));

    private static async Task<(HttpStatusCode, JsonElement)> Post(HttpClient http, string path, string json)
    {
        var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string Job(string fileId, string hyperparameters, string method = "reinforcement") => method == "reinforcement"
        ? $"{{\"model\":\"o4-mini-2025-04-16\",\"training_file\":\"{fileId}\",\"validation_file\":\"{fileId}\",\"method\":{{\"type\":\"reinforcement\",\"reinforcement\":{{\"grader\":{Grader},\"hyperparameters\":{hyperparameters}}}}}}}"
        : $"{{\"model\":\"gpt-4o-mini-2024-07-18\",\"training_file\":\"{fileId}\",\"method\":{{\"type\":\"{method}\",\"{method}\":{{\"hyperparameters\":{hyperparameters}}}}}}}";

    [Fact]
    public async Task They_are_echoed_on_the_job_and_mirrored_in_its_hyperparameters()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var file = await h.UploadAsync(Lines(10));
        var (status, job) = await Post(http, "fine_tuning/jobs",
            Job(file.Id, "{\"n_epochs\":1,\"reasoning_effort\":\"high\",\"compute_multiplier\":2.5,\"eval_interval\":3,\"eval_samples\":4}"));
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var hyper in new[] { job.GetProperty("method").GetProperty("reinforcement").GetProperty("hyperparameters"), job.GetProperty("hyperparameters") })
        {
            Assert.Equal("high", hyper.GetProperty("reasoning_effort").GetString());
            Assert.Equal(2.5, hyper.GetProperty("compute_multiplier").GetDouble());
            Assert.Equal(3, hyper.GetProperty("eval_interval").GetInt32());
            Assert.Equal(4, hyper.GetProperty("eval_samples").GetInt32());
        }

        // Left out, they show the service's defaults: reasoning effort "default", the others "auto".
        var (_, plain) = await Post(http, "fine_tuning/jobs", Job(file.Id, "{}"));
        var shown = plain.GetProperty("method").GetProperty("reinforcement").GetProperty("hyperparameters");
        Assert.Equal("default", shown.GetProperty("reasoning_effort").GetString());
        Assert.Equal("auto", shown.GetProperty("compute_multiplier").GetString());
        Assert.Equal("auto", shown.GetProperty("eval_samples").GetString());

        // They survive the run, and the succeeded job reports the tokens the run went through.
        var done = await h.RunUntilAsync(job.GetProperty("id").GetString()!, "succeeded", "failed");
        Assert.Equal("succeeded", done.Status);
        Assert.Equal("high", done.Method!.Reinforcement!.Hyperparameters!.ReasoningEffort!.Value.ToString());
        Assert.True(done.TrainedTokens > 0, $"trained_tokens {done.TrainedTokens}");
    }

    [Fact]
    public async Task Two_epochs_go_through_twice_the_tokens_of_one()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var file = await h.UploadAsync(Lines(10));
        var tokens = new List<long>();
        foreach (var epochs in new[] { 1, 2 })
        {
            var (_, job) = await Post(http, "fine_tuning/jobs", Job(file.Id, $"{{\"n_epochs\":{epochs}}}"));
            tokens.Add((await h.RunUntilAsync(job.GetProperty("id").GetString()!, "succeeded", "failed")).TrainedTokens ?? 0);
        }
        Assert.True(tokens[0] > 0);
        Assert.Equal(2 * tokens[0], tokens[1]);
    }

    [Theory]
    [InlineData("{\"reasoning_effort\":\"bogus\"}", "reasoning_effort")]
    [InlineData("{\"reasoning_effort\":\"auto\"}", "reasoning_effort")]
    [InlineData("{\"compute_multiplier\":11}", "compute_multiplier")]
    [InlineData("{\"compute_multiplier\":0}", "compute_multiplier")]
    [InlineData("{\"compute_multiplier\":0.00001}", "compute_multiplier")]
    [InlineData("{\"eval_interval\":0}", "eval_interval")]
    [InlineData("{\"eval_interval\":1.5}", "eval_interval")]
    [InlineData("{\"eval_samples\":0}", "eval_samples")]
    [InlineData("{\"eval_samples\":\"many\"}", "eval_samples")]
    public async Task Values_the_service_refuses_are_a_400_naming_the_field(string hyperparameters, string field)
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var file = await h.UploadAsync(Lines(10));
        var (status, body) = await Post(http, "fine_tuning/jobs", Job(file.Id, hyperparameters));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("method.reinforcement.hyperparameters." + field, body.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(0, h.Emulator.JobCount);
    }

    [Fact]
    public async Task They_belong_to_reinforcement_only_and_other_methods_mirror_their_own()
    {
        using var h = new Harness();
        using var http = new HttpClient(h.Emulator.CreateHandler()) { BaseAddress = new Uri("http://localhost/v1/") };
        var file = await h.UploadAsync(Harness.ChatLines(10));
        var (status, body) = await Post(http, "fine_tuning/jobs", Job(file.Id, "{\"eval_samples\":2}", "supervised"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("method.supervised.hyperparameters.eval_samples", body.GetProperty("error").GetProperty("param").GetString());

        var (ok, dpo) = await Post(http, "fine_tuning/jobs", Job(file.Id, "{\"beta\":0.3,\"n_epochs\":2}", "dpo"));
        Assert.Equal(HttpStatusCode.OK, ok);
        var top = dpo.GetProperty("hyperparameters");
        Assert.Equal(0.3, top.GetProperty("beta").GetDouble());
        Assert.Equal(2, top.GetProperty("n_epochs").GetInt32());
    }
}
