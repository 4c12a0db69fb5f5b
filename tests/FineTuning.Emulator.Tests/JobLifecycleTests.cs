using System.Text;
using FineTuning.Client;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>The job state machine on its own: a store, a manual clock and the lifecycle, no HTTP.</summary>
public class JobLifecycleTests
{
    private readonly EmulatorStore _store = new EmulatorStore(seed: 4);
    private readonly EmulatorClock _clock = new EmulatorClock(1, manual: true);
    private readonly FaultInjector _faults = new FaultInjector();
    private readonly JobLifecycle _lifecycle;

    public JobLifecycleTests()
    {
        _lifecycle = new JobLifecycle(_store, _clock, _faults, "org-test");
    }

    private string File(int examples, string purpose = "fine-tune") =>
        _store.StoreFile("train.jsonl", purpose, Encoding.UTF8.GetBytes(string.Join("\n", Harness.ChatLines(examples)) + "\n"), _clock.Now).Info.Id;

    private JobRecord Create(string file, int? epochs = 1, int? batch = 2) =>
        _lifecycle.Create(new JobSpec { Model = "gpt-4o-mini-2024-07-18", TrainingFile = file, Epochs = epochs, BatchSize = batch, Seed = 5 });

    /// <summary>Moves the clock in steps of <paramref name="seconds"/> until the job is in one of the statuses.</summary>
    private JobRecord RunUntil(JobRecord job, params string[] statuses)
    {
        for (var i = 0; i < 1000 && !statuses.Contains(job.Job.Status); i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            _lifecycle.Advance(job, _clock.Now);
        }
        return job;
    }

    [Fact]
    public void A_job_walks_through_the_service_states_and_finishes_with_a_model_and_results()
    {
        var job = Create(File(10));
        Assert.Equal(JobStatus.ValidatingFiles, job.Job.Status);
        var seen = new List<string> { job.Job.Status };
        while (!JobStatus.IsFinal(job.Job.Status))
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            _lifecycle.Advance(job, _clock.Now);
            if (seen[^1] != job.Job.Status) seen.Add(job.Job.Status);
        }
        Assert.Equal(new[] { JobStatus.ValidatingFiles, JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded }, seen);
        Assert.Equal(5, job.Events.Count(e => e.Type == "metrics")); // 10 examples, batch 2, 1 epoch
        Assert.Equal("ft:gpt-4o-mini-2024-07-18:org-test::" + job.ModelId8, job.Job.FineTunedModel);
        Assert.True(job.Job.TrainedTokens > 0);
        Assert.Equal(job.BilledTokensPerEpoch, job.Job.TrainedTokens);
        var results = Assert.Single(job.Job.ResultFiles!);
        Assert.Equal("fine-tune-results", _store.GetFile(results).Info.Purpose);
        Assert.Equal("The job has successfully completed", job.Events[^1].Message);
    }

    [Fact]
    public void Auto_hyperparameters_resolve_from_the_data_when_the_files_are_validated()
    {
        var job = Create(File(20), epochs: null, batch: null);
        Assert.True(job.Job.Hyperparameters!.NEpochs!.Value.IsAuto);
        RunUntil(job, JobStatus.Queued);
        Assert.Equal(EpochHeuristic.AutoEpochs(20), job.Epochs);
        Assert.Equal(1, job.BatchSize);
        Assert.Equal(1.8, job.LearningRate);
        Assert.Equal(EpochHeuristic.AutoEpochs(20), job.Job.Hyperparameters.NEpochs!.Value.Number);
    }

    [Fact]
    public void The_dataset_rules_fail_a_job_with_the_services_codes()
    {
        var few = RunUntil(Create(File(7)), JobStatus.Failed, JobStatus.Succeeded);
        Assert.Equal(JobStatus.Failed, few.Job.Status);
        Assert.Equal("invalid_n_examples", few.Job.Error!.Code);
        Assert.Equal("Training file has 7 example(s), but must have at least 10 examples", few.Job.Error.Message);

        var lines = Harness.ChatLines(12).ToList();
        lines[3] = "{\"messages\": [";
        var broken = _store.StoreFile("bad.jsonl", "fine-tune", Encoding.UTF8.GetBytes(string.Join("\n", lines)), _clock.Now).Info.Id;
        var bad = RunUntil(Create(broken), JobStatus.Failed, JobStatus.Succeeded);
        Assert.Equal("invalid_training_file", bad.Job.Error!.Code);
        Assert.Contains("Line 4", bad.Job.Error.Message);
        Assert.Equal("training_file", bad.Job.Error.Param);
    }

    [Fact]
    public void A_training_file_deleted_before_validation_fails_the_job()
    {
        var file = File(10);
        var job = Create(file);
        _store.RemoveFile(_store.GetFile(file));
        RunUntil(job, JobStatus.Failed, JobStatus.Succeeded);
        Assert.Equal("invalid_training_file", job.Job.Error!.Code);
        Assert.Contains("was deleted before it could be validated", job.Job.Error.Message);
    }

    [Fact]
    public void Pause_resume_and_cancel_follow_the_state_machine()
    {
        var job = Create(File(10), epochs: 3);
        Assert.Equal("transition", Assert.Throws<ApiError>(() => _lifecycle.Pause(job)).Code); // not running yet
        RunUntil(job, JobStatus.Running);
        _lifecycle.Pause(job);
        Assert.Equal(JobStatus.Paused, job.Job.Status);
        Assert.Null(job.NextAt);
        var steps = job.Trainer!.StepsDone;
        _clock.Advance(TimeSpan.FromHours(1));
        _lifecycle.Advance(job, _clock.Now);
        Assert.Equal(steps, job.Trainer.StepsDone); // a paused job does not train
        _lifecycle.Resume(job);
        Assert.Equal(JobStatus.Queued, job.Job.Status);
        RunUntil(job, JobStatus.Running);
        _lifecycle.Cancel(job);
        Assert.Equal(JobStatus.Cancelled, job.Job.Status);
        Assert.NotNull(job.Job.FinishedAt);
        Assert.Equal("transition", Assert.Throws<ApiError>(() => _lifecycle.Cancel(job)).Code);
        Assert.Equal("transition", Assert.Throws<ApiError>(() => _lifecycle.Resume(job)).Code);
    }

    [Fact]
    public void A_planned_failure_fails_the_job_at_its_step()
    {
        _faults.FailJobAtStep(null, 3, "server_error", "Planned.");
        var job = RunUntil(Create(File(10)), JobStatus.Failed, JobStatus.Succeeded);
        Assert.Equal(JobStatus.Failed, job.Job.Status);
        Assert.Equal("server_error", job.Job.Error!.Code);
        Assert.Equal(2, job.Trainer!.StepsDone);
    }

    [Fact]
    public void A_restored_job_continues_with_the_same_losses_as_one_never_stopped()
    {
        var reference = RunUntil(Create(File(12), epochs: 2), JobStatus.Succeeded);
        var expected = reference.Events.Where(e => e.Type == "metrics").Select(e => e.Message).ToList();

        var job = Create(File(12), epochs: 2);
        while (job.Trainer is null || job.Trainer.StepsDone < 4)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            _lifecycle.Advance(job, _clock.Now);
        }
        var steps = job.Trainer.StepsDone;
        job.Trainer = null; // as after a restart: the model is not stored
        _lifecycle.Restore(job, steps, _clock.Now);
        RunUntil(job, JobStatus.Succeeded, JobStatus.Failed);
        Assert.Equal(expected, job.Events.Where(e => e.Type == "metrics").Select(e => e.Message).ToList());
    }

    [Fact]
    public void Creating_a_job_checks_that_its_files_exist_and_are_for_fine_tuning()
    {
        Assert.Equal(404, Assert.Throws<ApiError>(() => Create("file-missing")).Status);
        var wrong = Assert.Throws<ApiError>(() => Create(File(10, purpose: "batch")));
        Assert.Equal("invalid_file_purpose", wrong.Code);
        Assert.Empty(_store.Jobs);
    }
}
