using System.Diagnostics;
using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Commands;
using Xunit;

namespace FineTuning.Tests;

/// <summary>The wait behind Wait-FineTuningJob, New-FineTuningJob -Wait and -AsJob: what it writes, how often it looks, when it gives up.</summary>
public class JobWaiterTests
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(0.1);

    private static RecordingHost Wait(ScriptedService service, TimeSpan? timeout, params string[] ids)
    {
        var host = new RecordingHost();
        new JobWaiter(host, service.Client(), timeout, First).WaitAndWrite(ids);
        return host;
    }

    [Fact]
    public void A_job_that_succeeds_is_written_once_without_errors_or_warnings()
    {
        var service = new ScriptedService().Job("ftjob-a", "validating_files", "running", "running", "succeeded");
        var host = Wait(service, null, "ftjob-a");
        Assert.Equal(new[] { "object ftjob-a" }, host.Log);
        Assert.Equal(JobStatus.Succeeded, Assert.IsType<FineTuningJob>(host.Objects[0]).Status);
        Assert.Equal(new[] { "ftjob-a validating_files", "ftjob-a running", "ftjob-a running", "ftjob-a succeeded" }, host.Seen);
        Assert.Equal(4, service.Count("GET /v1/fine_tuning/jobs/ftjob-a"));
        Assert.Equal(3, host.Sleeps.Count);
    }

    [Fact]
    public void A_failed_job_is_a_JobFailed_error_with_the_services_reason_then_the_job()
    {
        var host = Wait(new ScriptedService().Job("ftjob-f", "running", "failed"), null, "ftjob-f");
        Assert.Equal(new[] { "error JobFailed", "object ftjob-f" }, host.Log);
        var error = host.Errors.Single();
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        var job = Assert.IsType<FineTuningJob>(error.TargetObject);
        Assert.Equal("ftjob-f", job.Id);
        Assert.Equal("Job ftjob-f failed (invalid_training_file): Line 3 is not valid JSON.", error.ErrorDetails.Message);
        Assert.Same(job, Assert.IsType<FineTuningJobFailedException>(error.Exception).Job);
    }

    [Fact]
    public void A_cancelled_job_is_a_warning_not_an_error()
    {
        var host = Wait(new ScriptedService().Job("ftjob-c", "running", "cancelled"), null, "ftjob-c");
        Assert.Equal(new[] { "warning Job ftjob-c was cancelled.", "object ftjob-c" }, host.Log);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public void A_job_the_service_does_not_know_is_JobNotFound_and_the_others_are_still_waited_for()
    {
        var service = new ScriptedService().Job("ftjob-a", "running", "succeeded");
        var host = Wait(service, null, "ftjob-missing", "ftjob-a");
        Assert.Equal(new[] { "error JobNotFound", "object ftjob-a" }, host.Log);
        var error = host.Errors.Single();
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("ftjob-missing", error.TargetObject);
        // The missing job is asked for once, not again in later rounds.
        Assert.Equal(1, service.Count("GET /v1/fine_tuning/jobs/ftjob-missing"));
    }

    [Fact]
    public void Several_jobs_cost_one_list_request_a_round_and_are_written_as_they_end()
    {
        var service = new ScriptedService()
            .Job("ftjob-a", "running", "running", "running", "succeeded")
            .Job("ftjob-b", "running", "succeeded")
            .Job("ftjob-c", "running", "running", "failed");
        var host = Wait(service, null, "ftjob-a", "ftjob-b", "ftjob-c", "ftjob-b");
        Assert.Equal(new[] { "object ftjob-b", "error JobFailed", "object ftjob-c", "object ftjob-a" }, host.Log);
        // Three rounds with several jobs left: one list page each; the last job alone: one GET.
        Assert.Equal(3, service.Requests.Count(r => r == "GET /v1/fine_tuning/jobs"));
        Assert.Equal(1, service.Count("GET /v1/fine_tuning/jobs/ftjob-a"));
        Assert.Equal(0, service.Count("GET /v1/fine_tuning/jobs/ftjob-b"));
        Assert.Equal(0, service.Count("GET /v1/fine_tuning/jobs/ftjob-c"));
    }

    [Fact]
    public void A_job_missing_from_the_list_page_is_fetched_by_itself()
    {
        var service = new ScriptedService()
            .Job("ftjob-old", "running", "running", "succeeded")
            .Job("ftjob-new", "running", "running", "succeeded");
        service.NotListed.Add("ftjob-old");
        var host = Wait(service, null, "ftjob-old", "ftjob-new");
        Assert.Equal(2, host.Objects.Count);
        Assert.Equal(3, service.Count("GET /v1/fine_tuning/jobs/ftjob-old"));
        Assert.Equal(0, service.Count("GET /v1/fine_tuning/jobs/ftjob-new"));
    }

    [Fact]
    public void The_interval_grows_from_the_callers_and_stops_at_a_second_for_a_local_service()
    {
        var statuses = Enumerable.Repeat("running", 10).Append("succeeded").ToArray();
        var host = Wait(new ScriptedService().Job("ftjob-a", statuses), null, "ftjob-a");
        var expected = new[] { 0.1, 0.15, 0.225, 0.3375, 0.50625, 0.759375, 1.0, 1.0, 1.0, 1.0 };
        Assert.Equal(expected.Length, host.Sleeps.Count);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], host.Sleeps[i].TotalSeconds, 6);
    }

    [Fact]
    public void A_job_still_running_at_the_timeout_is_a_WaitTimeout_error_then_the_job_as_last_seen()
    {
        var host = new RecordingHost { RealSleep = true };
        var clock = Stopwatch.StartNew();
        new JobWaiter(host, new ScriptedService().Job("ftjob-slow", "running").Client(), TimeSpan.FromSeconds(0.5), First).WaitAndWrite("ftjob-slow");
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 5);
        Assert.Equal(new[] { "error WaitTimeout", "object ftjob-slow" }, host.Log);
        var error = host.Errors.Single();
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Equal("ftjob-slow", error.TargetObject);
        Assert.Equal("Job ftjob-slow was still 'running' after 0.5 s; it goes on running. Run Wait-FineTuningJob again to keep waiting.", error.Exception.Message);
        // The last sleep is cut to what was left of the timeout.
        Assert.True(host.Sleeps.Sum(s => s.TotalSeconds) <= 0.6, string.Join(", ", host.Sleeps));
    }

    [Fact]
    public void The_timeout_bounds_a_request_that_never_answers()
    {
        var service = new ScriptedService { Hang = true }.Job("ftjob-a", "running");
        var host = new RecordingHost();
        var clock = Stopwatch.StartNew();
        new JobWaiter(host, service.Client(), TimeSpan.FromSeconds(0.5), First).WaitAndWrite("ftjob-a");
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 5);
        Assert.Equal(new[] { "error WaitTimeout" }, host.Log);
        Assert.Equal("No answer about job ftjob-a came within 0.5 s; the job itself is not affected. Run Wait-FineTuningJob again to keep waiting.",
            host.Errors[0].Exception.Message);
    }

    [Fact]
    public void Progress_shows_the_step_and_loss_and_is_completed_at_the_end()
    {
        var service = new ScriptedService { Metrics = (3, 10, 1.25) }.Job("ftjob-a", "running", "succeeded");
        var host = new RecordingHost { ProgressWanted = true };
        new JobWaiter(host, service.Client(), null, First).WaitAndWrite("ftjob-a");
        var running = host.Progress.First(p => p.RecordType == ProgressRecordType.Processing);
        Assert.Equal("Waiting for fine-tuning job ftjob-a", running.Activity);
        Assert.Equal("Status: running, step 3 of 10, train loss 1.25", running.StatusDescription);
        Assert.Equal(30, running.PercentComplete);
        Assert.Equal(ProgressRecordType.Completed, host.Progress.Last().RecordType);
        Assert.Equal(running.ActivityId, host.Progress.Last().ActivityId);
    }

    [Fact]
    public void Without_progress_no_events_are_requested()
    {
        var service = new ScriptedService { Metrics = (3, 10, 1.25) }.Job("ftjob-a", "running", "succeeded");
        Wait(service, null, "ftjob-a");
        Assert.Equal(0, service.Count("GET /v1/fine_tuning/jobs/ftjob-a/events"));
    }

    [Fact]
    public void The_note_after_a_stopped_wait_says_the_job_runs_on_and_how_to_wait_or_cancel()
    {
        Assert.Equal("Stopped waiting; fine-tuning job ftjob-x goes on running (and is billed). " +
            "Wait again: Wait-FineTuningJob ftjob-x. Cancel it: Stop-FineTuningJob ftjob-x.", JobWaiter.StoppedWaitingMessage("ftjob-x"));
    }
}
