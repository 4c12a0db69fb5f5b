using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Commands;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Tests;

/// <summary>What New-FineTuningJob decides before anything is uploaded or created.</summary>
public sealed class JobPreflightTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("finetuning-preflight-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Dataset(string name, int examples, bool broken = false)
    {
        var lines = Enumerable.Range(1, examples).Select(i =>
            $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"What is {i} plus {i}?\"}},{{\"role\":\"assistant\",\"content\":\"{2 * i}\"}}]}}").ToList();
        if (broken) lines.Add("not json");
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private DatasetReport Report(string path, decimal? price, int? epochs = 3) =>
        DatasetValidator.Validate(path, new DatasetValidationOptions
        {
            Method = TrainingMethod.Supervised, Model = "gpt-4o-mini-2024-07-18", Epochs = epochs, PricePerMillionTokens = price,
        });

    [Fact]
    public void A_cost_above_the_budget_is_EstimatedCostOverBudget_with_how_it_was_reckoned()
    {
        var report = Report(Dataset("train.jsonl", 12), price: 3m);
        var error = JobPreflight.BudgetError(report, TrainingMethod.Supervised, budget: 0.00001m, price: 3m, "train.jsonl", out var estimate);
        Assert.NotNull(error);
        Assert.Equal("EstimatedCostOverBudget", error!.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Equal("train.jsonl", error.TargetObject);
        Assert.Contains($"{report.EstimatedBilledTokens:N0} billed tokens: 3 epoch(s) x", estimate);
        Assert.Contains("at 3.00 per million", estimate);
        Assert.Contains("above the budget of 0.00; nothing was uploaded or created.", error.ErrorDetails.Message);
        Assert.Equal("Lower the epochs, trim the training data, or raise -MaxEstimatedCost.", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void A_cost_within_the_budget_passes()
    {
        var report = Report(Dataset("train.jsonl", 12), price: 3m);
        Assert.Null(JobPreflight.BudgetError(report, TrainingMethod.Supervised, budget: 100m, price: 3m, null, out var estimate));
        Assert.StartsWith(report.EstimatedCost!.Value.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture) + " (", estimate);
    }

    [Fact]
    public void Without_a_cost_the_budget_cannot_be_checked_and_reinforcement_says_why()
    {
        var report = Report(Dataset("train.jsonl", 12), price: null);
        var error = JobPreflight.BudgetError(report, TrainingMethod.Reinforcement, 10m, 3m, null, out _);
        Assert.Equal("CostNotEstimable", error!.FullyQualifiedErrorId);
        Assert.Contains("billed by training time", error.Exception.Message);
        Assert.Contains("could not be estimated", JobPreflight.BudgetError(report, TrainingMethod.Supervised, 10m, 3m, null, out _)!.Exception.Message);
    }

    [Fact]
    public void A_specs_invalid_dataset_is_InvalidDataset_but_a_small_validation_file_is_not()
    {
        var broken = Dataset("broken.jsonl", 12, broken: true);
        var error = JobPreflight.InvalidDataset("job.psd1", "TrainingFile", broken, Report(broken, null), TrainingMethod.Supervised);
        Assert.Equal("InvalidDataset", error!.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal("job.psd1", error.TargetObject);
        Assert.StartsWith($"Job spec job.psd1, key 'TrainingFile': '{broken}' is not a valid Supervised dataset (1 error(s)); nothing was uploaded:", error.ErrorDetails.Message);
        Assert.Contains("InvalidJson", error.ErrorDetails.Message);

        var small = Dataset("small.jsonl", 3);
        Assert.Null(JobPreflight.InvalidDataset("job.psd1", "ValidationFile", small, Report(small, null), TrainingMethod.Supervised));
        Assert.Contains("TooFewExamples", JobPreflight.InvalidDataset("job.psd1", "TrainingFile", small, Report(small, null), TrainingMethod.Supervised)!.ErrorDetails.Message);
    }

    [Fact]
    public void A_setting_the_service_has_no_equivalent_for_is_SettingNotOnTarget_naming_the_parameter_or_the_spec_key()
    {
        var options = new NewJobOptions { Model = "gpt-4o-mini", TrainingFile = "file-t" };
        Assert.Null(JobPreflight.TargetError(options, null, ServiceKind.OpenAI, null));
        var parameters = JobPreflight.TargetError(options, null, ServiceKind.AzureOpenAI, null)!;
        Assert.Equal("SettingNotOnTarget", parameters.FullyQualifiedErrorId);
        Assert.Equal("-Model", parameters.TargetObject);
        Assert.Equal("Use -Model 'gpt-4o-mini-2024-07-18'.", parameters.ErrorDetails.RecommendedAction);
        Assert.EndsWith("Nothing was uploaded or created on Azure OpenAI.", parameters.ErrorDetails.Message);
        var spec = JobPreflight.TargetError(options, "job.psd1", ServiceKind.AzureOpenAI, null)!;
        Assert.Equal("job.psd1", spec.TargetObject);
        Assert.Equal("Set Model = 'gpt-4o-mini-2024-07-18' in the spec.", spec.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void WhatIf_names_the_method_model_files_and_suffix()
    {
        var options = new NewJobOptions { Model = "gpt-4o-mini-2024-07-18", TrainingFile = "file-t", ValidationFile = "file-v" };
        Assert.Equal("Supervised job on model 'gpt-4o-mini-2024-07-18' with training file 'file-t' and validation file 'file-v', suffix 'demo'",
            JobPreflight.Description(options, "demo"));
        Assert.Equal("Supervised job on model 'gpt-4o-mini-2024-07-18' with training file 'file-t'",
            JobPreflight.Description(new NewJobOptions { Model = "gpt-4o-mini-2024-07-18", TrainingFile = "file-t" }, null));
    }

    [Fact]
    public void A_refused_model_gets_the_closest_fine_tunable_names()
    {
        var record = new ErrorRecord(new InvalidOperationException("The model does not exist."), "InvalidRequest", ErrorCategory.InvalidArgument, "file-t")
        {
            ErrorDetails = new ErrorDetails("The model does not exist."),
        };
        var explained = JobPreflight.SuggestModels(record, "gpt-4o-mini-2024-07-1");
        Assert.StartsWith("The model does not exist.", explained.ErrorDetails.Message);
        Assert.Contains("gpt-4o-mini-2024-07-18", explained.ErrorDetails.Message);
        Assert.StartsWith("Use a model that takes fine-tuning, such as gpt-4o-mini-2024-07-18", explained.ErrorDetails.RecommendedAction);
        var unrelated = new ErrorRecord(new InvalidOperationException("x"), "InvalidRequest", ErrorCategory.InvalidArgument, null);
        Assert.Null(JobPreflight.SuggestModels(unrelated, "zzzzzzzzzzzzzzzzzzzzzzzzzzzz").ErrorDetails);
    }

    [Fact]
    public void The_epochs_come_from_the_parameter_else_from_the_deprecated_hyperparameters()
    {
        Assert.Equal(4, JobPreflight.EpochsOf(new NewJobOptions { Epochs = 4 }));
        Assert.Equal(2, JobPreflight.EpochsOf(new NewJobOptions { Hyperparameters = new Dictionary<string, object?> { ["n_epochs"] = "2" } }));
        Assert.Null(JobPreflight.EpochsOf(new NewJobOptions { Hyperparameters = new Dictionary<string, object?> { ["n_epochs"] = "auto" } }));
        Assert.Null(JobPreflight.EpochsOf(new NewJobOptions()));
    }
}

/// <summary>The files New-FineTuningJob is given: ids, file objects, anything with an Id; never a local path.</summary>
public class JobFileArgumentTests
{
    [Fact]
    public void A_file_id_comes_from_text_a_file_object_or_an_Id_property()
    {
        Assert.Equal("file-a", JobFileArgument.FileId("  file-a ", "TrainingFile"));
        Assert.Equal("file-b", JobFileArgument.FileId(new FineTuningFile { Id = "file-b" }, "TrainingFile"));
        var custom = new PSObject();
        custom.Properties.Add(new PSNoteProperty("Id", "file-c"));
        Assert.Equal("file-c", JobFileArgument.FileId(custom, "ValidationFile"));
        Assert.Equal("file-d", JobFileArgument.FileId(PSObject.AsPSObject("file-d"), "TrainingFile"));
    }

    [Fact]
    public void Anything_else_is_refused_naming_the_parameter()
    {
        var ex = Assert.Throws<ParameterValidationException>(() => JobFileArgument.FileId(42, "ValidationFile"));
        Assert.Equal("ValidationFile", ex.ParamName);
        Assert.StartsWith("-ValidationFile takes a file id such as 'file-abc123'", ex.Message);
        Assert.Equal("InvalidValidationFile", ErrorMapping.ToErrorRecord(ex, null, "Job").FullyQualifiedErrorId);
        Assert.Throws<ParameterValidationException>(() => JobFileArgument.FileId(" ", "TrainingFile"));
    }

    [Fact]
    public void A_local_file_is_refused_with_how_to_upload_it_first()
    {
        var path = Path.GetTempFileName();
        try
        {
            var ex = Assert.Throws<ParameterValidationException>(() =>
                JobFileArgument.RemoteFileId("train.jsonl", "TrainingFile", _ => path, "gpt-4o-mini-2024-07-18"));
            Assert.Equal("train.jsonl", ex.Value);
            Assert.Contains("is a file on this computer", ex.Message);
            Assert.Contains("Add-FineTuningFile 'train.jsonl' | New-FineTuningJob -Model gpt-4o-mini-2024-07-18", ex.Message);
            // An id is never looked up as a path; a name that is no file here is left to the service.
            Assert.Equal("file-x", JobFileArgument.RemoteFileId("file-x", "TrainingFile", _ => throw new InvalidOperationException("looked up"), "m"));
            Assert.Equal("ghost.jsonl", JobFileArgument.RemoteFileId("ghost.jsonl", "TrainingFile", _ => path + ".missing", "m"));
            Assert.Equal("x:y", JobFileArgument.RemoteFileId("x:y", "ValidationFile", _ => null, "m"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
