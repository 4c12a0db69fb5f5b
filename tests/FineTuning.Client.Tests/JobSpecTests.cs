using System.Collections;
using System.Collections.Specialized;
using System.Text.Json;
using FineTuning.Client.Json;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Client.Tests;

public class JobSpecTests
{
    private const string Folder = "/specs";
    private static readonly string Train = Path.GetFullPath("/specs/data/train.jsonl");

    private static bool Exists(string path) => path == Train;

    private static Hashtable Minimal(params (string Key, object? Value)[] more)
    {
        var h = new Hashtable(StringComparer.OrdinalIgnoreCase) { ["Model"] = "gpt-4o-mini-2024-07-18", ["TrainingFile"] = "data/train.jsonl" };
        foreach (var (k, v) in more) h[k] = v;
        return h;
    }

    private static JobSpecException Fails(IDictionary data, string? key, string messagePart, JobSpecProblem problem = JobSpecProblem.Invalid)
    {
        var ex = Assert.Throws<JobSpecException>(() => JobSpec.Read(data, "/specs/job.psd1", Folder, Exists));
        Assert.Equal(key, ex.Key);
        Assert.Equal(problem, ex.Problem);
        Assert.Contains(messagePart, ex.Message);
        Assert.StartsWith("Job spec /specs/job.psd1" + (key is null ? ":" : $", key '{key}':"), ex.Message);
        return ex;
    }

    [Fact]
    public void Reads_local_paths_relative_to_the_spec_and_file_ids_as_ids()
    {
        var spec = JobSpec.Read(Minimal(("ValidationFile", "file-valid123"), ("Epochs", 3), ("LearningRateMultiplier", "auto"), ("method", "dpo"), ("Beta", 0.2)),
            "/specs/job.psd1", Folder, Exists);
        Assert.Equal(Train, spec.TrainingFile!.Path);
        Assert.Equal("file-valid123", spec.ValidationFile!.Id);
        Assert.Equal(3, spec.Settings.Epochs);
        Assert.Null(spec.Settings.LearningRateMultiplier);
        Assert.Equal(TrainingMethod.Dpo, spec.Settings.Method);
        Assert.Equal(new[] { ("TrainingFile", Train) }, spec.LocalFiles.ToArray());
        var request = spec.ToOptions("file-up1", null).ToRequest();
        Assert.Equal("file-up1", request.TrainingFile);
        Assert.Equal("file-valid123", request.ValidationFile);
        Assert.Equal(0.2, request.Method!.Dpo!.Hyperparameters!.Beta!.Value.Number);
    }

    [Fact]
    public void Unknown_keys_are_named_with_a_suggestion() =>
        Assert.Contains("'Epochs'", Fails(Minimal(("Epoch", 3)), "Epoch", "unknown key").Message);

    [Theory]
    [InlineData("Epochs", 0, "out of range")]
    [InlineData("Epochs", 2.5, "whole number")]
    [InlineData("BatchSize", 300, "out of range")]
    [InlineData("LearningRateMultiplier", -1.0, "greater than 0")]
    [InlineData("Seed", -4, "out of range")]
    [InlineData("Suffix", "", "1 to 64")]
    [InlineData("Method", "lora", "not a method")]
    [InlineData("Beta", 0.5, "only to DPO")]
    [InlineData("Epochs", "many", "a number or 'auto'")]
    [InlineData("Model", 42, "must be text")]
    public void Out_of_range_and_wrong_kinds_of_values_name_their_key(string key, object value, string part) =>
        Fails(Minimal((key, value)), key, part);

    [Fact]
    public void A_missing_data_file_is_FileNotFound_and_names_the_resolved_path()
    {
        var ex = Fails(Minimal(("TrainingFile", "data/missing.jsonl")), "TrainingFile", Path.GetFullPath("/specs/data/missing.jsonl"), JobSpecProblem.FileNotFound);
        Assert.Contains("spec's folder", ex.Message);
    }

    [Fact]
    public void Model_and_training_file_are_required()
    {
        Fails(new Hashtable { ["TrainingFile"] = "file-x" }, "Model", "needs a model");
        Fails(new Hashtable { ["Model"] = "gpt-4o-mini-2024-07-18" }, "TrainingFile", "needs a training file");
    }

    [Fact]
    public void Reinforcement_rules_apply_to_specs()
    {
        var grader = new Hashtable { ["type"] = "string_check", ["name"] = "g", ["input"] = "{{sample.output_text}}", ["reference"] = "{{item.answer}}", ["operation"] = "eq" };
        Fails(Minimal(("Method", "Reinforcement"), ("Grader", grader)), "ValidationFile", "validation file");
        var spec = JobSpec.Read(Minimal(("Method", "Reinforcement"), ("Grader", grader), ("ValidationFile", "file-v"), ("ReasoningEffort", "low")), "s", Folder, Exists);
        Assert.Equal("string_check", spec.Settings.Grader!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public void Json_specs_report_syntax_errors_with_the_line_and_duplicate_keys()
    {
        var ex = Assert.Throws<JobSpecException>(() => JobSpec.ReadJson("{\n \"Model\": \"m\",\n \"Epochs\": ,\n}", "/specs/job.json", Folder, Exists));
        Assert.Null(ex.Key);
        Assert.Contains("line 3", ex.Message);
        ex = Assert.Throws<JobSpecException>(() => JobSpec.ReadJson("{\"Model\":\"m\",\"model\":\"n\"}", "/specs/job.json", Folder, Exists));
        Assert.Equal("model", ex.Key);
        Assert.Throws<JobSpecException>(() => JobSpec.ReadJson("[1]", "/specs/job.json", Folder, Exists));
        var spec = JobSpec.ReadJson("{\"Model\":\"gpt-4o-mini-2024-07-18\",\"TrainingFile\":\"data/train.jsonl\",\"Epochs\":4,\"Metadata\":{\"team\":\"a\"}}", "j", Folder, Exists);
        Assert.Equal(4, spec.Settings.Epochs);
        Assert.Equal("a", spec.Settings.Metadata!["team"]);
    }

    private static FineTuningJob Job(string json) => JsonSerializer.Deserialize(json, ClientJsonContext.Default.FineTuningJob)!;

    [Fact]
    public void The_spec_of_a_job_holds_what_it_used_and_reads_back_to_the_same_request()
    {
        var job = Job("""
            {"id":"ftjob-1","object":"fine_tuning.job","created_at":1,"model":"gpt-4.1-mini-2025-04-14","status":"succeeded",
             "training_file":"file-t","validation_file":"file-v","seed":7,"user_provided_suffix":"s1","metadata":{"team":"x"},
             "method":{"type":"dpo","dpo":{"hyperparameters":{"n_epochs":2,"batch_size":4,"learning_rate_multiplier":0.5,"beta":0.1}}},
             "integrations":[{"type":"wandb","wandb":{"project":"p","tags":["a","b"]}}]}
            """);
        var data = JobSpecWriter.FromJob(job, trainingPath: "data/train.jsonl");
        Assert.Equal(new object?[] { "Model", "Method", "TrainingFile", "ValidationFile", "Epochs", "BatchSize", "LearningRateMultiplier", "Beta", "Suffix", "Seed", "Metadata", "WandbProject", "WandbTag" },
            data.Keys.Cast<object?>().ToArray());
        Assert.Equal("Dpo", data["Method"]);
        var spec = JobSpec.Read(data, "s", Folder, Exists);
        var request = spec.ToOptions("file-t", null).ToRequest();
        Assert.Equal(2, request.Method!.Dpo!.Hyperparameters!.NEpochs!.Value.Number);
        Assert.Equal(0.1, request.Method.Dpo.Hyperparameters.Beta!.Value.Number);
        Assert.Equal(7, request.Seed);
        Assert.Equal("s1", request.Suffix);
        Assert.Equal(new[] { "a", "b" }, request.Integrations![0].Wandb!.Tags);
    }

    [Fact]
    public void Written_specs_are_PowerShell_data_and_JSON_that_read_back()
    {
        var data = new OrderedDictionary { ["Model"] = "m'x", ["Epochs"] = 3, ["LearningRateMultiplier"] = 0.25, ["Metadata"] = new OrderedDictionary { ["a b"] = "c" }, ["WandbTag"] = new List<object?> { "t1", "t2" } };
        var psd1 = JobSpecWriter.ToPowerShellData(data, "comment");
        Assert.Contains("# comment\n@{\n    Model = 'm''x'\n    Epochs = 3\n    LearningRateMultiplier = 0.25\n    Metadata = @{\n        'a b' = 'c'\n    }\n    WandbTag = @('t1', 't2')\n}", psd1);
        var json = JobSpecWriter.ToJson(data);
        var back = JobSpec.ParseJson(json, "j");
        Assert.Equal("m'x", back["model"]);
        Assert.Equal(3L, back["Epochs"]);
    }
}

public class ServiceTargetTests
{
    private static TargetMismatch? Check(string model, ServiceKind kind, TrainingMethod method = TrainingMethod.Supervised, string? apiVersion = null, string? suffix = null) =>
        ServiceTarget.Check(new NewJobOptions { Model = model, TrainingFile = "file-t", Method = method, Suffix = suffix }, kind, apiVersion);

    [Theory]
    [InlineData("gpt-4o-mini", "gpt-4o-mini-2024-07-18")]
    [InlineData("gpt-3.5-turbo-0125", "gpt-35-turbo-0125")]
    [InlineData("ft:gpt-4o-mini-2024-07-18:org::abc123", "gpt-4o-mini-2024-07-18")]
    public void Azure_refuses_OpenAI_model_names_and_suggests_its_own(string model, string suggestion)
    {
        var m = Check(model, ServiceKind.AzureOpenAI);
        Assert.NotNull(m);
        Assert.Equal("Model", m!.Setting);
        Assert.Equal(suggestion, m.Suggestion);
        Assert.Contains(model, m.Message);
    }

    [Fact]
    public void Azure_refuses_methods_it_has_no_equivalent_for()
    {
        var m = Check("gpt-4o-mini-2024-07-18", ServiceKind.AzureOpenAI, TrainingMethod.Dpo);
        Assert.Equal("Method", m!.Setting);
        Assert.Contains("does not offer Dpo", m.Message);
        m = Check("o4-mini-2025-04-16", ServiceKind.AzureOpenAI, TrainingMethod.Reinforcement, "2024-10-21");
        Assert.Equal("Method", m!.Setting);
        Assert.Contains("2024-10-21", m.Message);
        Assert.Null(Check("o4-mini-2025-04-16", ServiceKind.AzureOpenAI, TrainingMethod.Reinforcement, null));
    }

    [Fact]
    public void Azure_refuses_suffixes_outside_its_pattern()
    {
        var m = Check("gpt-4o-mini-2024-07-18", ServiceKind.AzureOpenAI, suffix: "my run.v2");
        Assert.Equal("Suffix", m!.Setting);
        Assert.Equal("my-run-v2", m.Suggestion);
    }

    [Fact]
    public void OpenAI_refuses_Azure_names_and_everything_else_passes()
    {
        var m = Check("gpt-4o-mini-2024-07-18.ft-0123456789abcdef0123456789abcdef-x", ServiceKind.OpenAI);
        Assert.Equal("gpt-4o-mini-2024-07-18", m!.Suggestion);
        Assert.Equal("gpt-3.5-turbo-0125", Check("gpt-35-turbo-0125", ServiceKind.Emulator)!.Suggestion);
        Assert.Null(Check("gpt-4o-mini-2024-07-18", ServiceKind.AzureOpenAI));
        Assert.Null(Check("gpt-4o-mini", ServiceKind.OpenAI));
        Assert.Null(Check("anything-at-all", ServiceKind.Compatible));
        Assert.Null(Check("my-own-model", ServiceKind.AzureOpenAI));
    }
}
