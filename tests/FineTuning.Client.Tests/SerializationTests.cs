using System.Text.Json;
using FineTuning.Client.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>
/// Payloads shaped as the reference (openai-fine-tuning-api.md §5, openapi-fine-tuning.yaml) describes
/// them, including the ways real responses differ from the schema. Each is read, checked field by
/// field, written back and compared by meaning with what the service sent.
/// </summary>
public class SerializationTests
{
    private static FineTuningJob ReadJob(string json) =>
        JsonSerializer.Deserialize(json, ClientJsonContext.Default.FineTuningJob)!;

    private static string WriteJob(FineTuningJob job) =>
        JsonSerializer.Serialize(job, ClientJsonContext.Default.FineTuningJob);

    private static FineTuningJob RoundTrip(string json)
    {
        var job = ReadJob(json);
        var written = WriteJob(job);
        JsonAssert.Equivalent(json, written);
        return ReadJob(written);
    }

    [Fact]
    public void SucceededSupervisedJob_ReadsEveryFieldAndRoundTrips()
    {
        var job = ReadJob(Payloads.SucceededJob);
        Assert.Equal("ftjob-abc123", job.Id);
        Assert.Equal("fine_tuning.job", job.Object);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721764800), job.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721765800), job.FinishedAt);
        Assert.Equal("gpt-4o-mini-2024-07-18", job.Model);
        Assert.Equal("org-123", job.OrganizationId);
        Assert.Equal("succeeded", job.Status);
        Assert.True(job.IsFinal);
        Assert.Equal("ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9uJPbR69", job.FineTunedModel);
        Assert.Equal(new[] { "file-abc123" }, job.ResultFiles);
        Assert.Null(job.ValidationFile);
        Assert.Equal(5768, job.TrainedTokens);
        Assert.Equal(683058546, job.Seed);
        Assert.Null(job.EstimatedFinish);
        Assert.Null(job.Error); // "error": {} on a healthy job means no error
        Assert.Null(job.Metadata);
        Assert.Equal("custom-suffix", job.UserProvidedSuffix);
        Assert.False(job.SharedWithOpenAI);
        Assert.NotNull(job.Integrations);
        Assert.Empty(job.Integrations!);
        Assert.Equal(3.0, job.Hyperparameters!.NEpochs!.Value.Number);
        Assert.Equal(1.8, job.Hyperparameters.LearningRateMultiplier!.Value.Number);
        Assert.Equal("supervised", job.MethodType);
        Assert.Equal(1.0, job.Method!.Settings!.Hyperparameters!.BatchSize!.Value.Number);

        RoundTrip(Payloads.SucceededJob);
    }

    [Fact]
    public void QueuedJob_WithAutoHyperparameters_KeepsTheWordAuto()
    {
        const string json = """
            {"object":"fine_tuning.job","id":"ftjob-q","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,
             "fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"queued",
             "validation_file":"file-val","training_file":"file-train",
             "hyperparameters":{"n_epochs":"auto","batch_size":"auto","learning_rate_multiplier":"auto"},
             "method":{"type":"supervised","supervised":{"hyperparameters":{"n_epochs":"auto","batch_size":"auto","learning_rate_multiplier":"auto"}}},
             "trained_tokens":null,"error":{"code":null,"message":null,"param":null},"seed":42,
             "metadata":{"team":"search","run":"7"}}
            """;
        var job = RoundTrip(json);
        Assert.True(job.Hyperparameters!.NEpochs!.Value.IsAuto);
        Assert.Null(job.Hyperparameters.NEpochs.Value.Number);
        Assert.True(job.Method!.Supervised!.Hyperparameters!.LearningRateMultiplier!.Value.IsAuto);
        Assert.Null(job.Error); // all-null error object means no error
        Assert.Equal("search", job.Metadata!["team"]);
        Assert.Equal("7", job.Metadata["run"]);
        Assert.Null(job.TrainedTokens);
        Assert.False(job.IsFinal);
        Assert.Contains("\"n_epochs\":\"auto\"", WriteJob(job));
    }

    [Fact]
    public void DpoJob_WithNullTopLevelHyperparameters_ReadsBetaFromMethod()
    {
        const string json = """
            {"object":"fine_tuning.job","id":"ftjob-dpo","model":"gpt-4o-2024-08-06","created_at":1721764800,
             "status":"queued","training_file":"file-train","validation_file":null,"hyperparameters":null,
             "method":{"type":"dpo","dpo":{"hyperparameters":{"beta":0.1,"n_epochs":"auto","batch_size":"auto","learning_rate_multiplier":"auto"}}},
             "result_files":[],"seed":1,"error":null,"integrations":null}
            """;
        var job = RoundTrip(json);
        Assert.Null(job.Hyperparameters);
        Assert.Equal("dpo", job.MethodType);
        Assert.Null(job.Method!.Supervised);
        Assert.Same(job.Method.Dpo, job.Method.Settings);
        Assert.Equal(0.1, job.Method.Dpo!.Hyperparameters!.Beta!.Value.Number);
        Assert.True(job.Method.Dpo.Hyperparameters.NEpochs!.Value.IsAuto);
    }

    [Fact]
    public void ReinforcementJob_KeepsGraderAndResponseFormatAsJson()
    {
        const string json = """
            {"object":"fine_tuning.job","id":"ftjob-rft","model":"o4-mini-2025-04-16","created_at":1721764800,
             "status":"validating_files","training_file":"file-train","validation_file":"file-val","result_files":[],"seed":7,
             "method":{"type":"reinforcement","reinforcement":{
                "grader":{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"},
                "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"}}},
                "hyperparameters":{"reasoning_effort":"medium","compute_multiplier":"auto","eval_interval":5,"eval_samples":"auto","n_epochs":"auto"}}}}
            """;
        var job = RoundTrip(json);
        Assert.Null(job.Hyperparameters); // absent in RFT jobs
        Assert.Equal("reinforcement", job.MethodType);
        var settings = job.Method!.Settings!;
        Assert.Equal("string_check", settings.Grader!.Value.GetProperty("type").GetString());
        Assert.Equal("{{item.answer}}", settings.Grader.Value.GetProperty("reference").GetString());
        Assert.Equal("json_schema", settings.ResponseFormat!.Value.GetProperty("type").GetString());
        Assert.Equal("medium", settings.Hyperparameters!.ReasoningEffort!.Value.Text);
        Assert.False(settings.Hyperparameters.ReasoningEffort.Value.IsAuto);
        Assert.True(settings.Hyperparameters.ComputeMultiplier!.Value.IsAuto);
        Assert.Equal(5.0, settings.Hyperparameters.EvalInterval!.Value.Number);
    }

    [Fact]
    public void FailedJob_KeepsTheErrorCodeMessageAndParam()
    {
        const string json = """
            {"object":"fine_tuning.job","id":"ftjob-f","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"finished_at":null,
             "status":"failed","training_file":"file-train","result_files":[],"seed":1,
             "error":{"code":"invalid_n_examples","message":"Training file has 3 example(s), but must have at least 10 examples","param":"training_file"}}
            """;
        var job = RoundTrip(json);
        Assert.True(job.IsFinal);
        Assert.NotNull(job.Error);
        Assert.Equal("invalid_n_examples", job.Error!.Code);
        Assert.Equal("training_file", job.Error.Param);
        Assert.StartsWith("Training file has 3 example(s)", job.Error.Message);
        Assert.Null(job.FinishedAt);
    }

    [Fact]
    public void WandbIntegration_RoundTripsWithRunIdAndTags()
    {
        const string json = """
            {"object":"fine_tuning.job","id":"ftjob-w","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"status":"running",
             "training_file":"file-train","seed":1,"estimated_finish":1721768400,
             "integrations":[{"type":"wandb","wandb":{"project":"my-wandb-project","name":"run-1","entity":"team","tags":["custom-tag","b"],"run_id":"ftjob-w"}}]}
            """;
        var job = RoundTrip(json);
        var wandb = Assert.Single(job.Integrations!).Wandb!;
        Assert.Equal("my-wandb-project", wandb.Project);
        Assert.Equal("run-1", wandb.Name);
        Assert.Equal("team", wandb.Entity);
        Assert.Equal(new[] { "custom-tag", "b" }, wandb.Tags);
        Assert.Equal("ftjob-w", wandb.RunId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721768400), job.EstimatedFinish);
    }

    [Fact]
    public void IntegersWrittenWithAFraction_AreReadAsIntegers()
    {
        const string json = """
            {"object":"fine_tuning.job","id":"ftjob-n","model":"m","created_at":1721764800.0,"finished_at":1721765800.0,
             "status":"succeeded","training_file":"f","seed":42.0,"trained_tokens":5768.0,
             "hyperparameters":{"n_epochs":3.0,"batch_size":1.0,"learning_rate_multiplier":1}}
            """;
        var job = RoundTrip(json);
        Assert.Equal(5768, job.TrainedTokens);
        Assert.Equal(42, job.Seed);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721764800), job.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721765800), job.FinishedAt);
        Assert.Equal(3.0, job.Hyperparameters!.NEpochs!.Value.Number);
        // Written back as plain integers, as the service's own schema types them.
        var written = WriteJob(job);
        Assert.Matches("\"n_epochs\":3[,}]", written);
        Assert.Matches("\"batch_size\":1[,}]", written);
        Assert.Contains("\"trained_tokens\":5768", written);
        Assert.Contains("\"seed\":42", written);
    }

    [Fact]
    public void AbsentAndNullFields_BothReadAsNull_AndNullsAreNotWritten()
    {
        var minimal = ReadJob("""{"id":"ftjob-min","created_at":1,"status":"queued"}""");
        var nulls = ReadJob("""
            {"id":"ftjob-min","created_at":1,"status":"queued","fine_tuned_model":null,"finished_at":null,"validation_file":null,
             "trained_tokens":null,"seed":null,"estimated_finish":null,"integrations":null,"metadata":null,"hyperparameters":null,
             "method":null,"error":null,"user_provided_suffix":null,"usage_metrics":null,"result_files":null}
            """);
        foreach (var job in new[] { minimal, nulls })
        {
            Assert.Null(job.FineTunedModel);
            Assert.Null(job.FinishedAt);
            Assert.Null(job.TrainedTokens);
            Assert.Null(job.Seed);
            Assert.Null(job.Error);
            Assert.Null(job.Method);
            Assert.Equal("supervised", job.MethodType);
            Assert.Null(job.Metadata);
        }
        Assert.Equal("""{"id":"ftjob-min","created_at":1,"status":"queued"}""", WriteJob(minimal));
        Assert.Equal(WriteJob(minimal), WriteJob(nulls).Replace("\"usage_metrics\":null,", string.Empty));
    }

    [Theory]
    [InlineData("pausing")]
    [InlineData("paused")]
    [InlineData("resuming")]
    [InlineData("something_new")]
    public void UnknownStatus_SurvivesAndIsNotFinal(string status)
    {
        var job = RoundTrip(Payloads.Job("ftjob-s", status));
        Assert.Equal(status, job.Status);
        Assert.False(job.IsFinal);
        Assert.Contains($"\"status\":\"{status}\"", WriteJob(job));
    }

    [Fact]
    public void UnknownFields_AtEveryLevel_SurviveDeserializeAndSerialize()
    {
        const string json = """
            {"object":"fine_tuning.job","id":"ftjob-u","created_at":1,"status":"running","training_file":"f",
             "brand_new":{"nested":[1,"two",{"three":3.5}],"flag":true},
             "hyperparameters":{"n_epochs":2,"warmup_ratio":0.1},
             "method":{"type":"supervised","future_knob":"x","supervised":{"hyperparameters":{"n_epochs":2,"label_smoothing":0.05},"adapter":"lora"}},
             "integrations":[{"type":"wandb","extra":1,"wandb":{"project":"p","group":"g"}}]}
            """;
        var job = RoundTrip(json);
        Assert.Equal("two", job.AdditionalProperties!["brand_new"].GetProperty("nested")[1].GetString());
        Assert.Equal(0.1, job.Hyperparameters!.AdditionalProperties!["warmup_ratio"].GetDouble());
        Assert.Equal("x", job.Method!.AdditionalProperties!["future_knob"].GetString());
        Assert.Equal("lora", job.Method.Supervised!.AdditionalProperties!["adapter"].GetString());
        Assert.Equal(0.05, job.Method.Supervised.Hyperparameters!.AdditionalProperties!["label_smoothing"].GetDouble());
        Assert.Equal("g", job.Integrations![0].Wandb!.AdditionalProperties!["group"].GetString());
    }

    [Fact]
    public void Events_WithMetricsData_ExposeMetricsAndRoundTrip()
    {
        const string json = """
            {"object":"list","has_more":true,"data":[
              {"object":"fine_tuning.job.event","id":"ftevent-3","created_at":1721764900,"level":"info",
               "message":"Step 2/30: training loss=1.52, validation loss=1.61","type":"metrics",
               "data":{"step":2,"total_steps":30.0,"train_loss":1.52347,"train_mean_token_accuracy":0.5,"valid_loss":1.61,"valid_mean_token_accuracy":0.45}},
              {"object":"fine_tuning.job.event","id":"ftevent-2","created_at":1721764850,"level":"info","message":"Fine-tuning job started","type":"message","data":null},
              {"object":"fine_tuning.job.event","id":"ftevent-1","created_at":1721764800,"level":"warning","message":"Job enqueued.","data":{}}
            ]}
            """;
        var page = JsonSerializer.Deserialize(json, ClientJsonContext.Default.ListPageFineTuningEvent)!;
        Assert.True(page.HasMore);
        Assert.Equal(3, page.Data.Count);
        var metrics = page.Data[0].Metrics!;
        Assert.Equal(2, metrics.Step);
        Assert.Equal(30, metrics.TotalSteps);
        Assert.Equal(1.52347, metrics.TrainLoss);
        Assert.Equal(0.45, metrics.ValidMeanTokenAccuracy);
        Assert.Null(metrics.FullValidLoss);
        Assert.Null(page.Data[1].Metrics);
        Assert.Null(page.Data[2].Metrics); // an empty data object is not metrics
        Assert.Equal("warning", page.Data[2].Level); // Azure's spelling kept as sent
        Assert.Equal("Fine-tuning job started", page.Data[1].ToString());
        JsonAssert.Equivalent(json, JsonSerializer.Serialize(page, ClientJsonContext.Default.ListPageFineTuningEvent));
    }

    [Fact]
    public void Checkpoints_WithMetricsAndCursors_RoundTrip()
    {
        const string json = """
            {"object":"list","first_id":"ftckpt_b","last_id":"ftckpt_a","has_more":false,"data":[
              {"object":"fine_tuning.job.checkpoint","id":"ftckpt_b","created_at":1721765800,
               "fine_tuned_model_checkpoint":"ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000",
               "fine_tuning_job_id":"ftjob-abc123","step_number":2000,
               "metrics":{"full_valid_loss":0.134,"full_valid_mean_token_accuracy":0.874,"step":2000.0,"train_loss":0.2,"train_mean_token_accuracy":0.9,"valid_loss":0.15,"valid_mean_token_accuracy":0.88}},
              {"object":"fine_tuning.job.checkpoint","id":"ftckpt_a","created_at":1721765000,
               "fine_tuned_model_checkpoint":"ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:7q8mpxmy:ckpt-step-1000",
               "fine_tuning_job_id":"ftjob-abc123","step_number":1000.0,"metrics":{"step":1000,"train_loss":0.4}}
            ]}
            """;
        var page = JsonSerializer.Deserialize(json, ClientJsonContext.Default.ListPageFineTuningCheckpoint)!;
        Assert.Equal("ftckpt_b", page.FirstId);
        Assert.Equal("ftckpt_a", page.LastId);
        Assert.False(page.HasMore);
        Assert.Equal(2000, page.Data[0].StepNumber);
        Assert.Equal(0.134, page.Data[0].Metrics!.FullValidLoss);
        Assert.Equal(2000, page.Data[0].Metrics!.Step);
        Assert.Equal(1000, page.Data[1].StepNumber);
        Assert.EndsWith(":ckpt-step-1000", page.Data[1].FineTunedModelCheckpoint);
        JsonAssert.Equivalent(json, JsonSerializer.Serialize(page, ClientJsonContext.Default.ListPageFineTuningCheckpoint));
    }

    [Fact]
    public void FileAndFileList_RoundTrip()
    {
        const string json = """
            {"object":"list","first_id":"file-abc123","last_id":"file-abc456","has_more":false,"data":[
              {"id":"file-abc123","object":"file","bytes":120000,"created_at":1677610602,"expires_at":null,"filename":"train.jsonl",
               "purpose":"fine-tune","status":"processed","status_details":null},
              {"id":"file-abc456","object":"file","bytes":1.4e5,"created_at":1677610603,"expires_at":1680202602,"filename":"results.csv",
               "purpose":"fine-tune-results","status":"processed","sha256":"abc"}
            ]}
            """;
        var page = JsonSerializer.Deserialize(json, ClientJsonContext.Default.ListPageFineTuningFile)!;
        Assert.Equal(120000, page.Data[0].Bytes);
        Assert.Equal(140000, page.Data[1].Bytes);
        Assert.Null(page.Data[0].ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1680202602), page.Data[1].ExpiresAt);
        Assert.Equal("fine-tune-results", page.Data[1].Purpose);
        Assert.Equal("abc", page.Data[1].AdditionalProperties!["sha256"].GetString());
        JsonAssert.Equivalent(json, JsonSerializer.Serialize(page, ClientJsonContext.Default.ListPageFineTuningFile));
    }

    [Fact]
    public void JobList_ReadsPagesWithoutCursorFields()
    {
        var json = Payloads.Page(true, Payloads.Job("ftjob-2"), Payloads.Job("ftjob-1", "succeeded"));
        var page = JsonSerializer.Deserialize(json, ClientJsonContext.Default.ListPageFineTuningJob)!;
        Assert.Equal("list", page.Object);
        Assert.True(page.HasMore);
        Assert.Null(page.FirstId);
        Assert.Equal(new[] { "ftjob-2", "ftjob-1" }, page.Data.Select(j => j.Id));
        JsonAssert.Equivalent(json, JsonSerializer.Serialize(page, ClientJsonContext.Default.ListPageFineTuningJob));
    }

    [Fact]
    public void ErrorEnvelope_OpenAIShape()
    {
        const string json = """{"error":{"message":"No such File object: file-abc","type":"invalid_request_error","param":"id","code":null}}""";
        var e = JsonSerializer.Deserialize(json, ClientJsonContext.Default.ErrorEnvelope)!.Error!;
        Assert.Equal("No such File object: file-abc", e.Message);
        Assert.Equal("invalid_request_error", e.Type);
        Assert.Equal("id", e.Param!.Value.GetString());
        Assert.Null(e.Code); // JSON null reads as no code
    }

    [Fact]
    public void ErrorEnvelope_AzureShapeWithInnerError()
    {
        const string json = """
            {"error":{"code":"jsonlValidationFailed","message":"Validation of jsonl file failed.","target":"training_file",
                      "details":[],"innererror":{"code":"invalidPayload","innererror":{"code":"lineTooLong"}}}}
            """;
        var e = JsonSerializer.Deserialize(json, ClientJsonContext.Default.ErrorEnvelope)!.Error!;
        Assert.Equal("jsonlValidationFailed", e.Code!.Value.GetString());
        Assert.Equal("training_file", e.Target);
        Assert.Null(e.Type);
        Assert.Equal("lineTooLong", e.InnerError!.Value.GetProperty("innererror").GetProperty("code").GetString());
    }
}
