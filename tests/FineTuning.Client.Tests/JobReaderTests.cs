using System.Net;
using System.Text;
using System.Text.Json;
using FineTuning.Client.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>
/// The direct job reader must read every job exactly as the serializer does, and hand anything unusual
/// back to the serializer rather than read it differently.
/// </summary>
public class JobReaderTests
{
    public static TheoryData<string> JobShapes => new()
    {
        Payloads.SucceededJob,
        Payloads.Job("ftjob-1", "paused"),
        """{}""",
        """{"id":"ftjob-min","created_at":1,"status":"queued"}""",
        """{"id":null,"object":null,"status":null,"model":null,"created_at":1721764800,"finished_at":null,"trained_tokens":null,"seed":null,"error":null,"method":null,"hyperparameters":null,"result_files":null,"metadata":null,"integrations":null,"usage_metrics":null,"shared_with_openai":null}""",
        // Numbers as the service sometimes writes them.
        """{"id":"ftjob-n","created_at":1721764800.0,"finished_at":"1721765800","trained_tokens":5768.0,"seed":"42","estimated_finish":1721769999}""",
        """{"id":"ftjob-t","created_at":"2024-07-23T20:00:00Z","status":"running"}""",
        // Errors: healthy shapes and real ones.
        """{"id":"ftjob-e1","error":{}}""",
        """{"id":"ftjob-e2","error":{"code":null,"message":null,"param":null}}""",
        """{"id":"ftjob-e3","status":"failed","error":{"code":"invalid_training_file","message":"Line 3 is not JSON.","param":"training_file"}}""",
        """{"id":"ftjob-e4","status":"failed","error":"The job failed."}""",
        """{"id":"ftjob-e5","error":{"code":400,"message":"m","param":{"nested":true},"extra":[1,2]}}""",
        // Methods.
        """
        {"id":"ftjob-dpo","status":"running","method":{"type":"dpo","dpo":{"hyperparameters":{"beta":0.1,"n_epochs":"auto","batch_size":"auto","learning_rate_multiplier":"2.5"}}}}
        """,
        """
        {"id":"ftjob-rft","method":{"type":"reinforcement","reinforcement":{"grader":{"type":"string_check","name":"g","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"},
          "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"}}},
          "hyperparameters":{"reasoning_effort":"medium","compute_multiplier":1.5,"eval_interval":"auto","eval_samples":10,"n_epochs":2}}}}
        """,
        """{"id":"ftjob-m","method":{"type":"supervised","supervised":null,"dpo":null,"reinforcement":null}}""",
        // Fields this version does not know, at every level.
        """
        {"id":"ftjob-u","brand_new":{"a":[1,2,{"b":null}]},"another":"x","nothing":null,
         "hyperparameters":{"n_epochs":3,"future_knob":"on"},
         "method":{"type":"supervised","future_method_field":7,"supervised":{"hyperparameters":{"batch_size":8},"extra_setting":true}}}
        """,
        // Integrations, metadata, result files, usage.
        """
        {"id":"ftjob-w","integrations":[{"type":"wandb","wandb":{"project":"p","name":"n","entity":"e","tags":["a","b"],"run_id":"r"}}],
         "metadata":{"team":"ops","ticket":"T-1"},"result_files":["file-1","file-2"],"usage_metrics":{"tokens":12,"cost":{"usd":0.1}},
         "user_provided_suffix":"s","shared_with_openai":true,"validation_file":"file-v","fine_tuned_model":"ft:gpt-4o-mini:org::abc"}
        """,
        // Repeated known fields: the last one wins, as with the serializer.
        """{"id":"ftjob-first","status":"queued","id":"ftjob-last","status":"running"}""",
    };

    [Theory]
    [MemberData(nameof(JobShapes))]
    public void ReadsEveryShapeAsTheSerializerDoes(string json)
    {
        var expected = JsonSerializer.Deserialize(json, ClientJsonContext.Default.FineTuningJob)!;

        Assert.True(JobReader.TryRead(Encoding.UTF8.GetBytes(json), out var job));

        Assert.Equal(
            JsonSerializer.Serialize(expected, ClientJsonContext.Default.FineTuningJob),
            JsonSerializer.Serialize(job, ClientJsonContext.Default.FineTuningJob));
        Assert.Equal(expected.Status, job.Status);
        Assert.Equal(expected.Id, job.Id);
    }

    public static TheoryData<string> LeftToTheSerializer => new()
    {
        """{"id":42}""",                                   // a number where a string belongs: the serializer rejects it
        """{"id":"a","result_files":["f",null]}""",          // a null inside a list
        """{"id":"a","metadata":{"k":1}}""",                 // a metadata value that is not a string
        """{"id":"a","metadata":{"k":"1","k":"2"}}""",       // a repeated metadata key
        """{"id":"a","x":1,"x":2}""",                        // a repeated unknown field
        """{"\u0069d":"escaped-name"}""",                    // an escaped property name
        """{"id":"a","shared_with_openai":"yes"}""",
        """{"id":"a","method":[]}""",
        """{"id":"a","hyperparameters":[1]}""",
        """{"id":"a","created_at":true}""",
        """{"id":"a"} trailing""",
        """[{"id":"a"}]""",
        """{"id":"a" /* comment */}""",
        """{"id":"a",}""",
        """{"id":"a" """,
        "",
    };

    [Theory]
    [MemberData(nameof(LeftToTheSerializer))]
    public void GivesUnusualBodiesBackToTheSerializer(string json)
    {
        Assert.False(JobReader.TryRead(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public async Task TheClientReadsAnEscapedNameThroughTheSerializer()
    {
        const string json = """{"\u0069d":"ftjob-escaped","status":"running","x":1}""";
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, json));

        var job = await t.Client.Jobs.GetAsync("ftjob-escaped");

        Assert.Equal("ftjob-escaped", job.Id);
        Assert.Equal("running", job.Status);
        Assert.True(job.AdditionalProperties!.ContainsKey("x"));
    }

    [Fact]
    public async Task TheClientReportsABodyNeitherReaderAccepts()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, """{"id":42}"""));

        var ex = await Assert.ThrowsAsync<FineTuningProtocolException>(() => t.Client.Jobs.GetAsync("ftjob-1"));

        Assert.Contains("not the expected JSON", ex.Message);
    }
}
