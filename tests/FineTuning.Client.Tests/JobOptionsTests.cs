using System.Collections;
using System.Text.Json;
using FineTuning.Client.Json;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Client.Tests;

public class JobOptionsTests
{
    private static NewJobOptions Valid(Action<NewJobOptions>? change = null)
    {
        var o = new NewJobOptions { Model = "gpt-4o-mini-2024-07-18", TrainingFile = "file-train" };
        change?.Invoke(o);
        return o;
    }

    private static JsonElement Grader() => JsonValueConverter.FromObject(new Hashtable
    {
        ["type"] = "string_check",
        ["name"] = "exact",
        ["input"] = "{{sample.output_text}}",
        ["reference"] = "{{item.answer}}",
        ["operation"] = "eq",
    });

    private static Dictionary<string, string> Pairs(int count, int keyLength = 3, int valueLength = 1) =>
        Enumerable.Range(0, count).ToDictionary(i => i.ToString("D" + keyLength), _ => new string('v', valueLength));

    private static ParameterValidationException Fails(NewJobOptions o, string parameter, string? messagePart = null)
    {
        var ex = Assert.Throws<ParameterValidationException>(o.Validate);
        Assert.Equal(parameter, ex.ParamName);
        if (messagePart != null) Assert.Contains(messagePart, ex.Message);
        // ToRequest refuses the same way before building anything.
        Assert.Equal(parameter, Assert.Throws<ParameterValidationException>(() => o.ToRequest()).ParamName);
        return ex;
    }

    private static string Body(NewJobOptions o) => JsonSerializer.Serialize(o.ToRequest(), ClientJsonContext.Default.CreateJobRequest);

    [Fact]
    public void ModelAndTrainingFile_AreRequired()
    {
        Fails(Valid(o => o.Model = " "), "Model");
        Fails(Valid(o => o.TrainingFile = null), "TrainingFile", "Add-FineTuningFile");
    }

    [Fact]
    public void Metadata_Limits()
    {
        Valid(o => o.Metadata = Pairs(16, keyLength: 64, valueLength: 512)).Validate();
        Fails(Valid(o => o.Metadata = Pairs(17)), "Metadata", "17 pairs");
        Fails(Valid(o => o.Metadata = Pairs(1, keyLength: 65)), "Metadata", "65 characters");
        Fails(Valid(o => o.Metadata = Pairs(1, valueLength: 513)), "Metadata", "513 characters");
        Fails(Valid(o => o.Metadata = new Dictionary<string, string> { [""] = "x" }), "Metadata", "empty");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Suffix_IsOneTo64Characters(int length, bool ok)
    {
        var o = Valid(x => x.Suffix = new string('s', length));
        if (ok) o.Validate();
        else Fails(o, "Suffix", "64");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(50, true)]
    [InlineData(51, false)]
    [InlineData(-3, false)]
    public void Epochs_IsOneTo50(int epochs, bool ok)
    {
        var o = Valid(x => x.Epochs = epochs);
        if (ok) o.Validate();
        else Fails(o, "Epochs", "1 to 50");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void BatchSize_IsOneTo256(int size, bool ok)
    {
        var o = Valid(x => x.BatchSize = size);
        if (ok) o.Validate();
        else Fails(o, "BatchSize", "1 to 256");
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(-0.5, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    [InlineData(1e-6, true)]
    [InlineData(10.0, true)]
    public void LearningRateMultiplier_IsPositiveAndFinite(double value, bool ok)
    {
        var o = Valid(x => x.LearningRateMultiplier = value);
        if (ok) o.Validate();
        else Fails(o, "LearningRateMultiplier");
    }

    [Fact]
    public void Seed_FitsTheServiceRange()
    {
        Valid(o => o.Seed = int.MaxValue).Validate();
        Fails(Valid(o => o.Seed = (long)int.MaxValue + 1), "Seed");
        Fails(Valid(o => o.Seed = -1), "Seed");
    }

    [Fact]
    public void Beta_OnlyWithDpo_AndInRange()
    {
        Fails(Valid(o => o.Beta = 0.1), "Beta", "-Method Dpo");
        Fails(Valid(o => { o.Beta = 0.1; o.Method = TrainingMethod.Supervised; }), "Beta");
        Fails(Valid(o => { o.Beta = 0.0; o.Method = TrainingMethod.Dpo; }), "Beta", "greater than 0");
        Fails(Valid(o => { o.Beta = 2.5; o.Method = TrainingMethod.Dpo; }), "Beta", "at most 2");
        Valid(o => { o.Beta = 2; o.Method = TrainingMethod.Dpo; }).Validate();
    }

    [Fact]
    public void Grader_OnlyWithReinforcement_AndRequiredThere()
    {
        Fails(Valid(o => o.Grader = Grader()), "Grader", "-Method Reinforcement");
        Fails(Valid(o => { o.Grader = Grader(); o.Method = TrainingMethod.Dpo; }), "Grader");
        Fails(Valid(o => { o.Method = TrainingMethod.Reinforcement; o.ValidationFile = "file-val"; }), "Grader", "needs a grader");
        Fails(Valid(o =>
        {
            o.Method = TrainingMethod.Reinforcement;
            o.ValidationFile = "file-val";
            o.Grader = JsonValueConverter.FromObject(new Hashtable { ["name"] = "no type" });
        }), "Grader", "'type'");
        Fails(Valid(o => { o.Method = TrainingMethod.Reinforcement; o.Grader = Grader(); }), "ValidationFile");
        Valid(o => { o.Method = TrainingMethod.Reinforcement; o.Grader = Grader(); o.ValidationFile = "file-val"; }).Validate();
    }

    [Theory]
    [InlineData("ReasoningEffort")]
    [InlineData("ComputeMultiplier")]
    [InlineData("EvalInterval")]
    [InlineData("EvalSamples")]
    public void ReinforcementSettings_OutsideReinforcement_AreRefused(string name)
    {
        var o = Valid();
        switch (name)
        {
            case "ReasoningEffort": o.ReasoningEffort = "high"; break;
            case "ComputeMultiplier": o.ComputeMultiplier = 1; break;
            case "EvalInterval": o.EvalInterval = 5; break;
            default: o.EvalSamples = 5; break;
        }
        Fails(o, name, "-Method Reinforcement");
    }

    [Fact]
    public void DeprecatedHyperparameters_Rules()
    {
        Valid(o => o.Hyperparameters = new Dictionary<string, object?> { ["n_epochs"] = "auto", ["batch_size"] = 4 }).Validate();
        Fails(Valid(o => { o.Hyperparameters = new Dictionary<string, object?> { ["n_epochs"] = 2 }; o.Epochs = 3; }), "Hyperparameters", "not both");
        Fails(Valid(o => { o.Hyperparameters = new Dictionary<string, object?> { ["n_epochs"] = 2 }; o.Method = TrainingMethod.Dpo; }), "Hyperparameters");
        Fails(Valid(o => o.Hyperparameters = new Dictionary<string, object?> { ["warmup"] = 2 }), "Hyperparameters", "warmup");
        Fails(Valid(o => o.Hyperparameters = new Dictionary<string, object?> { ["n_epochs"] = 0 }), "Hyperparameters", "n_epochs");
        Fails(Valid(o => o.Hyperparameters = new Dictionary<string, object?> { ["batch_size"] = 1.5 }), "Hyperparameters", "whole number");
        Fails(Valid(o => o.Hyperparameters = new Dictionary<string, object?> { ["learning_rate_multiplier"] = -1 }), "Hyperparameters", "greater than 0");
        Fails(Valid(o => o.Hyperparameters = new Dictionary<string, object?> { ["n_epochs"] = "lots" }), "Hyperparameters", "auto");
    }

    [Fact]
    public void Wandb_ExtrasNeedAProject_AndTagsAreBounded()
    {
        Fails(Valid(o => o.WandbName = "run"), "WandbProject");
        Fails(Valid(o => { o.WandbProject = "p"; o.WandbTag = new[] { new string('t', 65) }; }), "WandbTag");
        Fails(Valid(o => { o.WandbProject = "p"; o.WandbTag = Enumerable.Range(0, 51).Select(i => "t" + i).ToArray(); }), "WandbTag", "50");
    }

    [Fact]
    public void ToRequest_Minimal_IsSupervisedWithNothingElse()
    {
        JsonAssert.Equivalent("""
            {"model":"gpt-4o-mini-2024-07-18","training_file":"file-train","method":{"type":"supervised","supervised":{}}}
            """, Body(Valid(o => o.Model = "  gpt-4o-mini-2024-07-18 ")));
    }

    [Fact]
    public void ToRequest_Supervised_PutsHyperparametersUnderTheMethod()
    {
        var body = Body(Valid(o =>
        {
            o.Method = TrainingMethod.Supervised;
            o.Epochs = 3;
            o.BatchSize = 8;
            o.LearningRateMultiplier = 0.5;
            o.ValidationFile = "file-val";
        }));
        JsonAssert.Equivalent("""
            {"model":"gpt-4o-mini-2024-07-18","training_file":"file-train","validation_file":"file-val",
             "method":{"type":"supervised","supervised":{"hyperparameters":{"n_epochs":3,"batch_size":8,"learning_rate_multiplier":0.5}}}}
            """, body);
        Assert.Contains("\"n_epochs\":3", body); // an integer, not 3.0
    }

    [Fact]
    public void ToRequest_Dpo_CarriesBeta()
    {
        JsonAssert.Equivalent("""
            {"model":"gpt-4o-mini-2024-07-18","training_file":"file-train",
             "method":{"type":"dpo","dpo":{"hyperparameters":{"beta":0.1}}}}
            """, Body(Valid(o => { o.Method = TrainingMethod.Dpo; o.Beta = 0.1; })));
    }

    [Fact]
    public void ToRequest_Reinforcement_CarriesGraderResponseFormatAndSettings()
    {
        var format = JsonValueConverter.FromObject(new Hashtable
        {
            ["type"] = "json_schema",
            ["json_schema"] = new Hashtable { ["name"] = "answer", ["schema"] = new Hashtable { ["type"] = "object" } },
        });
        var body = Body(Valid(o =>
        {
            o.Model = "o4-mini-2025-04-16";
            o.Method = TrainingMethod.Reinforcement;
            o.Grader = Grader();
            o.ResponseFormat = format;
            o.ValidationFile = "file-val";
            o.ReasoningEffort = "high";
            o.ComputeMultiplier = 1.5;
            o.EvalInterval = 10;
            o.EvalSamples = 4;
        }));
        JsonAssert.Equivalent("""
            {"model":"o4-mini-2025-04-16","training_file":"file-train","validation_file":"file-val",
             "method":{"type":"reinforcement","reinforcement":{
               "grader":{"type":"string_check","name":"exact","input":"{{sample.output_text}}","reference":"{{item.answer}}","operation":"eq"},
               "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"}}},
               "hyperparameters":{"reasoning_effort":"high","compute_multiplier":1.5,"eval_interval":10,"eval_samples":4}}}}
            """, body);
    }

    [Fact]
    public void ToRequest_DeprecatedHyperparameters_GoAtTheTopLevelWithoutAMethod()
    {
        JsonAssert.Equivalent("""
            {"model":"gpt-4o-mini-2024-07-18","training_file":"file-train",
             "hyperparameters":{"n_epochs":"auto","batch_size":4,"learning_rate_multiplier":0.5}}
            """, Body(Valid(o => o.Hyperparameters = new Dictionary<string, object?>
        {
            ["n_epochs"] = "auto",
            ["batch_size"] = 4,
            ["learning_rate_multiplier"] = "0.5",
        })));
    }

    [Fact]
    public void ToRequest_SuffixSeedMetadataAndWandb()
    {
        JsonAssert.Equivalent("""
            {"model":"gpt-4o-mini-2024-07-18","training_file":"file-train","suffix":"weather","seed":42,
             "metadata":{"team":"search","run":"7"},
             "method":{"type":"supervised","supervised":{}},
             "integrations":[{"type":"wandb","wandb":{"project":"my-wandb-project","name":"run-1","entity":"team","tags":["custom-tag"]}}]}
            """, Body(Valid(o =>
        {
            o.Suffix = "weather";
            o.Seed = 42;
            o.Metadata = new Dictionary<string, string> { ["team"] = "search", ["run"] = "7" };
            o.WandbProject = "my-wandb-project";
            o.WandbName = "run-1";
            o.WandbEntity = "team";
            o.WandbTag = new[] { "custom-tag" };
        })));
    }

    [Fact]
    public void JsonValueConverter_TurnsPowerShellValuesIntoJson()
    {
        var e = JsonValueConverter.FromObject(new Hashtable
        {
            ["s"] = "x",
            ["i"] = 3,
            ["d"] = 0.25,
            ["b"] = true,
            ["n"] = null,
            ["list"] = new object[] { 1, "two" },
            ["nested"] = new Dictionary<string, object> { ["k"] = 1L },
        });
        JsonAssert.Equivalent("""{"s":"x","i":3,"d":0.25,"b":true,"list":[1,"two"],"nested":{"k":1}}""", e.GetRawText());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("n").ValueKind);
    }
}
