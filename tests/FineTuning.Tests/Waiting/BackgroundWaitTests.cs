using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Commands;
using Xunit;

namespace FineTuning.Tests;

/// <summary>Wait-FineTuningJob -AsJob in a real runspace: the PowerShell job it returns, its streams and Stop-Job.</summary>
public sealed class BackgroundWaitTests : IDisposable
{
    private readonly TestRunspace _shell = new(("Wait-FineTuningJob", typeof(WaitFineTuningJobCommand)));

    public void Dispose() => _shell.Dispose();

    private FineTuningWaitJob Start(ScriptedService service, string id)
    {
        var (output, errors) = _shell.Invoke("Wait-FineTuningJob", new Dictionary<string, object?>
        {
            ["Id"] = new[] { id }, ["AsJob"] = new SwitchParameter(true), ["PollIntervalSec"] = 0.05,
            ["Connection"] = service.Client().Connection,
        });
        Assert.Empty(errors);
        return Assert.IsType<FineTuningWaitJob>(Assert.Single(output).BaseObject);
    }

    [Fact]
    public void The_job_completes_with_the_finished_fine_tuning_job_as_its_output()
    {
        var job = Start(new ScriptedService().Job("ftjob-a", "running", "running", "succeeded"), "ftjob-a");
        Assert.Equal("ftjob-a", job.FineTuningJobId);
        Assert.Equal("ftjob-a", job.Name);
        Assert.Equal("FineTuning", job.PSJobTypeName);
        Assert.True(job.Finished.WaitOne(TimeSpan.FromSeconds(30)));
        Assert.Equal(JobState.Completed, job.JobStateInfo.State);
        var done = Assert.IsType<FineTuningJob>(Assert.Single(job.Output).BaseObject);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Empty(job.Error);
        Assert.Equal(JobStatus.Succeeded, job.StatusMessage);
    }

    [Fact]
    public void A_failed_fine_tuning_job_is_a_JobFailed_error_in_the_jobs_error_stream()
    {
        var job = Start(new ScriptedService().Job("ftjob-f", "running", "failed"), "ftjob-f");
        Assert.True(job.Finished.WaitOne(TimeSpan.FromSeconds(30)));
        Assert.Equal("JobFailed", Assert.Single(job.Error).FullyQualifiedErrorId);
        Assert.Equal(JobStatus.Failed, Assert.IsType<FineTuningJob>(Assert.Single(job.Output).BaseObject).Status);
    }

    [Fact]
    public void Stopping_the_job_ends_a_request_in_flight_and_leaves_it_Stopped()
    {
        var service = new ScriptedService { Hang = true }.Job("ftjob-a", "running");
        var job = Start(service, "ftjob-a");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (service.Requests.IsEmpty && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.False(service.Requests.IsEmpty);
        job.StopJob();
        Assert.Equal(JobState.Stopped, job.JobStateInfo.State);
        Assert.Empty(job.Output);
        Assert.Empty(job.Error);
    }
}
