using System.Net;
using System.Text;
using System.Text.Json;
using FineTuning.Client.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>The alpha graders endpoints: request bodies as the reference names them, and the run result read back.</summary>
public class GraderTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static readonly JsonElement Exact =
        Json("""{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"}""");

    [Fact]
    public async Task Validate_posts_the_grader_under_its_key()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, $$"""{"grader":{{Exact.GetRawText()}}}"""));
        var answer = await t.Client.Graders.ValidateAsync(Exact);
        var r = Assert.Single(t.Handler.Requests);
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal("https://api.openai.com/v1/fine_tuning/alpha/graders/validate", r.Uri.AbsoluteUri);
        Assert.Equal("application/json", r.ContentHeaders!.ContentType!.MediaType);
        using var body = JsonDocument.Parse(r.Body);
        Assert.Equal(new[] { "grader" }, body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("eq", body.RootElement.GetProperty("grader").GetProperty("operation").GetString());
        Assert.Equal("exact", answer.Grader!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Run_posts_grader_item_and_model_sample_and_leaves_out_a_missing_item()
    {
        const string Result = """{"reward":1.0,"metadata":{"name":"exact","type":"string_check","errors":{}},"sub_rewards":{},"model_grader_token_usage_per_model":{}}""";
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Result).Then(HttpStatusCode.OK, Result));
        await t.Client.Graders.RunAsync(new RunGraderRequest { Grader = Exact, Item = Json("""{"answer":"Paris"}"""), ModelSample = "Paris" });
        await t.Client.Graders.RunAsync(new RunGraderRequest { Grader = Exact, ModelSample = "" });
        var first = JsonDocument.Parse(t.Handler.Requests[0].Body).RootElement;
        Assert.Equal("https://api.openai.com/v1/fine_tuning/alpha/graders/run", t.Handler.Requests[0].Uri.AbsoluteUri);
        Assert.Equal(new[] { "grader", "item", "model_sample" }, first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Paris", first.GetProperty("item").GetProperty("answer").GetString());
        Assert.Equal("Paris", first.GetProperty("model_sample").GetString());
        var second = JsonDocument.Parse(t.Handler.Requests[1].Body).RootElement;
        Assert.Equal(new[] { "grader", "model_sample" }, second.EnumerateObject().Select(p => p.Name));
        Assert.Equal("", second.GetProperty("model_sample").GetString());
    }

    [Fact]
    public void A_run_result_reads_reward_flags_details_and_sub_rewards()
    {
        var result = JsonSerializer.Deserialize("""
            {"reward":0.5,"metadata":{"name":"mix","type":"multi","errors":{"formula_parse_error":false,"sample_parse_error":true,
             "python_grader_server_error_type":null,"model_grader_server_error_details":"timeout","other_error":false},
             "execution_time":0.25,"scores":{"a":1},"token_usage":{"prompt_tokens":3},"sampled_model_name":null,"future":1},
             "sub_rewards":{"a":1.0,"b":0.0},"model_grader_token_usage_per_model":{}}
            """, ClientJsonContext.Default.GraderResult)!;
        Assert.Equal(0.5, result.Reward);
        Assert.Equal("mix", result.Name);
        Assert.Equal("multi", result.Type);
        Assert.Equal(TimeSpan.FromMilliseconds(250), result.ExecutionTime);
        Assert.Equal(new[] { "sample_parse_error" }, result.Errors);
        Assert.Equal(new[] { "a", "b" }, result.SubRewards!.Keys);
        Assert.True(result.Metadata!.AdditionalProperties!.ContainsKey("future"));
        Assert.Equal(JsonValueKind.Object, result.Metadata.TokenUsage!.Value.ValueKind);
    }

    [Fact]
    public void A_result_without_metadata_has_no_errors_and_no_time()
    {
        var result = JsonSerializer.Deserialize("""{"reward":0}""", ClientJsonContext.Default.GraderResult)!;
        Assert.Empty(result.Errors);
        Assert.Null(result.ExecutionTime);
        Assert.Null(result.Name);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"string_check\"")]
    [InlineData("""{"name":"no type"}""")]
    [InlineData("""{"type":7}""")]
    public async Task Something_that_is_not_a_grader_is_refused_before_any_request(string grader)
    {
        using var t = new TestClient(new FakeHandler());
        var ex = await Assert.ThrowsAsync<ParameterValidationException>(() => t.Client.Graders.ValidateAsync(Json(grader)));
        Assert.Equal("Grader", ex.ParamName);
        await Assert.ThrowsAsync<ParameterValidationException>(() => t.Client.Graders.RunAsync(new RunGraderRequest { Grader = Json(grader), ModelSample = "x" }));
        Assert.Empty(t.Handler.Requests);
    }
}
