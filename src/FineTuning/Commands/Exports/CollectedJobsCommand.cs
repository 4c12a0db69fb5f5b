using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace FineTuning.Commands
{
    /// <summary>
    /// Base of the cmdlets that gather every job id from the pipeline first and work on them all at the end
    /// (Export-FineTuningJob, Export-FineTuningReport): the -Id parameter, the ids in the order they came (each once),
    /// the output path resolved against the current location, and one progress record over the jobs.
    /// </summary>
    public abstract class CollectedJobsCommand : JobIdCommand
    {
        private readonly List<string> _ids = new List<string>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>The ids received so far, in pipeline order, without repeats.</summary>
        protected IReadOnlyList<string> CollectedIds => _ids;

        protected override void ProcessRecord()
        {
            foreach (var id in Id)
            {
                if (_seen.Add(id)) _ids.Add(id);
            }
        }

        /// <summary>The provider path of <paramref name="path"/>; a path PowerShell cannot resolve ends the command (InvalidPath).</summary>
        protected string ResolveOutputPath(string path)
        {
            try
            {
                return GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowTerminatingError(new ErrorRecord(ex, "InvalidPath", ErrorCategory.InvalidArgument, path));
                throw; // not reached: ThrowTerminatingError throws
            }
        }

        /// <summary>Runs <paramref name="body"/> for each collected id under one progress bar, then completes it.</summary>
        protected void ForEachJob(int activityId, string activity, Action<string> body)
        {
            for (var i = 0; i < _ids.Count; i++)
            {
                var id = _ids[i];
                WriteProgress(new ProgressRecord(activityId, activity, $"Job {i + 1} of {_ids.Count}: {id}") { PercentComplete = i * 100 / _ids.Count });
                body(id);
            }
            WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
