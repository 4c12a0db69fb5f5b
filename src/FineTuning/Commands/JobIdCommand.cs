using System;
using System.Management.Automation;

namespace FineTuning.Commands
{
    /// <summary>
    /// Base of the cmdlets that work on jobs named by id: the one -Id parameter they share (ids as arguments, from the
    /// pipeline, or by the Id property of job objects such as Get-FineTuningJob's), and "Job" in their error ids.
    /// </summary>
    public abstract class JobIdCommand : FineTuningCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        protected override string Noun => "Job";
    }
}
