using System.Management.Automation;
using System.Text;
using FineTuning.Client;
using FineTuning.Commands;
using Xunit;

namespace FineTuning.Tests;

/// <summary>The last step before a stream (SafeStreams) and the one way files are written (FileWriter).</summary>
public class SafeOutputTests
{
    private const string Key = "sk-proj-streamsecret0123456789";

    [Fact]
    public void Text_has_its_keys_masked_and_its_control_characters_shown_not_played()
    {
        var text = SafeStreams.Text($"status \u001b]0;owned\u0007 with Bearer {Key}");
        Assert.DoesNotContain("streamsecret", text);
        Assert.False(TerminalText.NeedsCleaning(text), text);
        Assert.Contains("\u241b]0;owned\u2407", text);
    }

    [Fact]
    public void An_error_record_is_rebuilt_clean_with_its_id_category_and_target_kept()
    {
        var job = new FineTuningJob { Id = "ftjob-a" };
        var record = new ErrorRecord(new InvalidOperationException($"bad \u001b[2J {Key}"), "JobFailed", ErrorCategory.InvalidResult, job)
        {
            ErrorDetails = new ErrorDetails($"details \u001b[31m {Key}") { RecommendedAction = "run \u0007 again" },
        };
        record.CategoryInfo.TargetName = "ftjob-\u001b[2J";
        var clean = SafeStreams.Record(record);
        Assert.NotSame(record, clean);
        Assert.Equal("JobFailed", clean.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, clean.CategoryInfo.Category);
        Assert.Same(job, clean.TargetObject);
        foreach (var text in new[] { clean.Exception.Message, clean.ErrorDetails.Message, clean.ErrorDetails.RecommendedAction, clean.CategoryInfo.TargetName })
        {
            Assert.False(TerminalText.NeedsCleaning(text), text);
            Assert.DoesNotContain("streamsecret", text);
        }
    }

    [Fact]
    public void A_clean_error_record_passes_through_as_it_is()
    {
        var record = new ErrorRecord(new IOException("Disk full."), "IOError", ErrorCategory.ReadError, "file.jsonl");
        Assert.Same(record, SafeStreams.Record(record));
    }

    [Fact]
    public void Progress_is_rebuilt_clean_with_its_numbers_kept()
    {
        var record = new ProgressRecord(7, "Waiting for \u001b[2J", "Status: \u009b31m")
        {
            CurrentOperation = "Elapsed \u0007", PercentComplete = 40, SecondsRemaining = 12, ParentActivityId = 3,
        };
        var clean = SafeStreams.Progress(record);
        Assert.NotSame(record, clean);
        Assert.Equal((7, 40, 12, 3), (clean.ActivityId, clean.PercentComplete, clean.SecondsRemaining, clean.ParentActivityId));
        Assert.All(new[] { clean.Activity, clean.StatusDescription, clean.CurrentOperation }, t => Assert.False(TerminalText.NeedsCleaning(t), t));
        var plain = new ProgressRecord(1, "Checking", "Done");
        Assert.Same(plain, SafeStreams.Progress(plain));
    }

    [Fact]
    public void A_file_is_written_whole_as_UTF8_without_a_byte_order_mark_and_replaces_the_old_one()
    {
        var folder = Directory.CreateTempSubdirectory("finetuning-writer-").FullName;
        try
        {
            var path = Path.Combine(folder, "report.html");
            File.WriteAllText(path, "an older, longer report that must not leave a tail");
            FileWriter.WriteAllText(path, "café");
            Assert.Equal(Encoding.UTF8.GetBytes("café"), File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_write_that_fails_leaves_neither_the_file_nor_a_partial_one()
    {
        var folder = Directory.CreateTempSubdirectory("finetuning-writer-").FullName;
        try
        {
            // The target is a folder: the move over it fails after the partial file was written.
            var target = Directory.CreateDirectory(Path.Combine(folder, "spec.psd1")).FullName;
            Assert.ThrowsAny<IOException>(() => FileWriter.WriteAllText(target, "@{}"));
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
