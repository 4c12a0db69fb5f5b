using System.Management.Automation;

namespace FineTuning.Commands
{
    /// <summary>Shared parameters of the cmdlets that list something of one job (events, checkpoints).</summary>
    public abstract class JobListCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; } = string.Empty;

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int First { get; set; } = int.MaxValue;

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Skip { get; set; }

        protected override string Noun => "Job";
    }
}
