using FineTuning.Client;
using FineTuning.Commands;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Tests;

public class CompletionTests
{
    private static FineTuningJob Job(string id, string status, string? suffix = null, string? ft = null, string model = "gpt-4o-mini-2024-07-18") =>
        new() { Id = id, Status = status, UserProvidedSuffix = suffix, FineTunedModel = ft, Model = model, CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000) };

    private static readonly FineTuningJob[] Jobs =
    {
        Job("ftjob-Zeta", JobStatus.Running, "weather"),
        Job("ftjob-Alpha", JobStatus.Paused, "support"),
        Job("ftjob-Beta", JobStatus.Succeeded, "support-v2", "ft:gpt-4o-mini-2024-07-18:acme:support-v2:AbCd1234"),
        Job("ftjob-Gamma", JobStatus.Failed),
        Job("ftjob-Delta", JobStatus.ValidatingFiles),
    };

    [Theory]
    [InlineData("ftjob-", JobCompletionFilter.Any, "ftjob-Zeta,ftjob-Alpha,ftjob-Beta,ftjob-Gamma,ftjob-Delta")]
    [InlineData("", JobCompletionFilter.Unfinished, "ftjob-Zeta,ftjob-Alpha,ftjob-Delta")]
    [InlineData("", JobCompletionFilter.Running, "ftjob-Zeta")]
    [InlineData("", JobCompletionFilter.Paused, "ftjob-Alpha")]
    [InlineData("", JobCompletionFilter.Finished, "ftjob-Beta,ftjob-Gamma")]
    [InlineData("FTJOB-a", JobCompletionFilter.Any, "ftjob-Alpha")]
    [InlineData("'ftjob-b", JobCompletionFilter.Any, "ftjob-Beta")]
    [InlineData("\"ftjob-g\"", JobCompletionFilter.Any, "ftjob-Gamma")]
    public void Jobs_match_by_id_prefix_in_the_service_order(string word, JobCompletionFilter filter, string expected)
    {
        var ids = Completion.Jobs(Jobs, word, filter).Select(i => i.Text);
        Assert.Equal(expected.Split(','), ids);
    }

    [Fact]
    public void Jobs_match_by_suffix_or_fine_tuned_model_when_no_id_does()
    {
        Assert.Equal(new[] { "ftjob-Alpha", "ftjob-Beta" }, Completion.Jobs(Jobs, "supp").Select(i => i.Text));
        Assert.Equal(new[] { "ftjob-Beta" }, Completion.Jobs(Jobs, "AbCd12").Select(i => i.Text));
        // The state filter still applies to what the suffix finds.
        Assert.Equal(new[] { "ftjob-Alpha" }, Completion.Jobs(Jobs, "supp", JobCompletionFilter.Unfinished).Select(i => i.Text));
        Assert.Empty(Completion.Jobs(Jobs, "nothing"));
    }

    [Fact]
    public void A_job_suggestion_shows_its_status_and_describes_the_job()
    {
        var item = Completion.Jobs(Jobs, "ftjob-Beta").Single();
        Assert.Equal("ftjob-Beta (succeeded)", item.ListItem);
        Assert.StartsWith("succeeded, gpt-4o-mini-2024-07-18, supervised, suffix support-v2, ft:gpt-4o-mini-2024-07-18:acme:support-v2:AbCd1234, created ", item.ToolTip);
    }

    private static FineTuningFile File(string id, string name, string purpose) =>
        new() { Id = id, Filename = name, Purpose = purpose, Bytes = 12345, CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000) };

    private static readonly FineTuningFile[] Files =
    {
        File("file-111", "train.jsonl", "fine-tune"),
        File("file-222", "Training-v2.jsonl", "fine-tune"),
        File("file-333", "trace.jsonl", "batch"),
        File("file-444", "step_metrics.csv", "fine-tune-results"),
    };

    [Theory]
    [InlineData("", null, "file-111,file-222,file-333,file-444")]
    [InlineData("", "fine-tune", "file-111,file-222")]
    [InlineData("tra", null, "file-111,file-222,file-333")]
    [InlineData("tra", "fine-tune", "file-111,file-222")]
    [InlineData("FILE-3", null, "file-333")]
    [InlineData("'step", null, "file-444")]
    public void Files_match_by_id_or_file_name(string word, string? purpose, string expected)
    {
        Assert.Equal(expected.Split(','), Completion.Files(Files, word, purpose).Select(i => i.Text));
    }

    [Fact]
    public void A_file_suggestion_shows_its_name_purpose_and_size()
    {
        var item = Completion.Files(Files, "file-222").Single();
        Assert.Equal("file-222 (Training-v2.jsonl)", item.ListItem);
        Assert.StartsWith("Training-v2.jsonl, fine-tune, 12,345 bytes, created ", item.ToolTip);
    }

    [Fact]
    public void Models_offer_snapshots_then_aliases()
    {
        var items = Completion.Models("gpt-4o", null);
        Assert.Equal(new[] { "gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "gpt-4o", "gpt-4o-mini" }, items.Select(i => i.Text));
        Assert.Equal("Alias of gpt-4o-2024-08-06; methods: Supervised, Dpo", items[2].ToolTip);
        Assert.Equal("Base model; methods: Supervised", items[1].ToolTip);
    }

    [Fact]
    public void Models_follow_the_method_unless_none_of_the_matches_offers_it()
    {
        Assert.Equal(new[] { "o4-mini-2025-04-16", "o4-mini" }, Completion.Models("", TrainingMethod.Reinforcement).Select(i => i.Text));
        Assert.Equal(new[] { "gpt-4o-2024-08-06", "gpt-4o" }, Completion.Models("gpt-4o", TrainingMethod.Dpo).Select(i => i.Text));
        Assert.DoesNotContain("o4-mini", Completion.Models("", TrainingMethod.Supervised).Select(i => i.Text));
        // Nothing starting with "davinci" offers DPO: the word wins over the method.
        Assert.Equal(new[] { "davinci-002" }, Completion.Models("davinci", TrainingMethod.Dpo).Select(i => i.Text));
    }

    [Fact]
    public void Models_add_the_fine_tuned_models_of_succeeded_jobs_once()
    {
        var jobs = Jobs.Append(Job("ftjob-Again", JobStatus.Succeeded, "support-v2", "ft:gpt-4o-mini-2024-07-18:acme:support-v2:AbCd1234"))
            .Append(Job("ftjob-Broken", JobStatus.Failed, null, "ft:gpt-4o-mini-2024-07-18:acme::Failed00"));
        var items = Completion.Models("ft:", null, jobs);
        Assert.Equal(new[] { "ft:gpt-4o-mini-2024-07-18:acme:support-v2:AbCd1234" }, items.Select(i => i.Text));
        Assert.StartsWith("Fine-tuned by ftjob-Beta from gpt-4o-mini-2024-07-18 (supervised), ", items[0].ToolTip);
        Assert.Empty(Completion.Models("ft:gpt-4.1", null, jobs));
    }

    [Theory]
    [InlineData("ft:", true)]
    [InlineData("f", true)]
    [InlineData("'ft", true)]
    [InlineData("FT:gpt", true)]
    [InlineData("", false)]
    [InlineData("gpt", false)]
    public void Only_a_word_that_can_start_ft_asks_the_service_for_models(string word, bool expected)
    {
        Assert.Equal(expected, Completion.WantsFineTunedModels(word));
    }

    [Fact]
    public void Base_models_are_found_by_snapshot_or_alias_exactly()
    {
        Assert.Equal("gpt-4.1-nano-2025-04-14", BaseModels.Find("gpt-4.1-nano")?.Snapshot);
        Assert.Equal("gpt-4.1-nano-2025-04-14", BaseModels.Find("gpt-4.1-nano-2025-04-14")?.Snapshot);
        Assert.Null(BaseModels.Find("GPT-4.1-NANO"));
        Assert.Null(BaseModels.Find("gpt-5"));
        Assert.All(BaseModels.Known, m => Assert.NotEmpty(m.Methods));
        Assert.Equal(BaseModels.Known.Count, BaseModels.Known.Select(m => m.Snapshot).Distinct().Count());
    }

    private const string FineTuned = "ft:gpt-4o-mini-2024-07-18:acme:support:AbCd1234";

    [Fact]
    public void Completion_offers_service_models_by_name_then_by_suffix()
    {
        var models = new[]
        {
            new FineTuningModel { Id = "gpt-4o-mini-2024-07-18", OwnedBy = "system" },
            new FineTuningModel { Id = FineTuned, OwnedBy = "acme" },
            new FineTuningModel { Id = "ft:gpt-4.1-nano-2025-04-14:acme:support-v2:ZzYy9876", OwnedBy = "acme" },
        };
        Assert.Equal(new[] { "gpt-4o-mini-2024-07-18", FineTuned, "ft:gpt-4.1-nano-2025-04-14:acme:support-v2:ZzYy9876" },
            Completion.ServiceModels(models, "", false).Select(i => i.Text));
        Assert.Equal(new[] { FineTuned, "ft:gpt-4.1-nano-2025-04-14:acme:support-v2:ZzYy9876" }, Completion.ServiceModels(models, "", true).Select(i => i.Text));
        Assert.Equal(new[] { FineTuned }, Completion.ServiceModels(models, "ft:gpt-4o", false).Select(i => i.Text));
        Assert.Equal(new[] { FineTuned, "ft:gpt-4.1-nano-2025-04-14:acme:support-v2:ZzYy9876" }, Completion.ServiceModels(models, "supp", false).Select(i => i.Text));
        Assert.Equal(new[] { "ft:gpt-4.1-nano-2025-04-14:acme:support-v2:ZzYy9876" }, Completion.ServiceModels(models, "ZzYy", true).Select(i => i.Text));
        var tip = Completion.ServiceModels(models, "ft:gpt-4o", false)[0].ToolTip;
        Assert.StartsWith("fine-tuned, from gpt-4o-mini-2024-07-18, owned by acme, created ", tip);
    }
}

/// <summary>Tab completion shows service text too: lists and tooltips are cleaned, unsafe ids are not offered.</summary>
public class CompletionSafetyTests
{
    [Fact]
    public void ListTextAndToolTip_CarryNoControlCharacter_AndAnUnsafeIdIsNotOffered()
    {
        var jobs = new[]
        {
            new FineTuningJob { Id = "ftjob-ok", Status = "running\u001b]0;T\u0007", Model = "m\u009b2J", CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000) },
            new FineTuningJob { Id = "ftjob-\u001b[2J", Status = "running", Model = "m", CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000) },
        };
        var items = Completion.Jobs(jobs, "ftjob-");
        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            Assert.False(TerminalText.NeedsCleaning(item.ListItem), item.ListItem);
            Assert.False(TerminalText.NeedsCleaning(item.ToolTip), item.ToolTip);
        }
        Assert.Equal(new[] { "ftjob-ok" }, items.Where(i => i.IsSafe).Select(i => i.Text));
    }
}
