using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Export-FineTuningJob: archives jobs into a folder, one folder per job, resumably.</summary>
    [Cmdlet(VerbsData.Export, "FineTuningJob", SupportsShouldProcess = true)]
    [OutputType(typeof(JobArchiveResult))]
    public sealed class ExportFineTuningJobCommand : CollectedJobsCommand
    {
        /// <summary>The archive's folder; each job gets a folder named after its id inside it. Created when missing.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Also archive the training and validation files, where the service still serves them.</summary>
        [Parameter] public SwitchParameter IncludeData { get; set; }

        protected override void EndProcessing()
        {
            var root = ResolveOutputPath(Path);
            if (File.Exists(root))
            {
                ThrowTerminatingError(new ErrorRecord(new IOException($"'{root}' is a file; -Path takes the archive's folder."), "PathIsFile", ErrorCategory.InvalidArgument, Path));
                return;
            }
            var archiver = new JobArchiver(Client, root, IncludeData);
            ForEachJob(3, "Archiving fine-tuning jobs", id => Archive(archiver, id));
        }

        private void Archive(JobArchiver archiver, string id)
        {
            if (!TryRun(ct => archiver.GetJobAsync(id, ct), id, out var fetched)) return;
            var (json, job) = fetched;
            string folder;
            IReadOnlyList<ArchiveItem> items;
            try
            {
                folder = archiver.FolderOf(job.Id);
                items = archiver.Plan(job, json);
            }
            catch (UnsafeFileNameException ex)
            {
                WriteError(new ErrorRecord(ex, "UnsafeFileName", ErrorCategory.InvalidData, id));
                return;
            }
            var result = new JobArchiveResult { JobId = job.Id, Status = job.Status, Path = folder };
            if (!job.IsFinal)
                WriteWarning($"Job {job.Id} is {job.Status}; its archive describes it as it is now, and a later Export-FineTuningJob brings it up to date.");
            var wrote = false;
            foreach (var item in items)
            {
                var target = archiver.PathOf(job.Id, item);
                if (File.Exists(target) && !item.Refresh)
                {
                    result.Kept.Add(item.Name);
                    result.TotalBytes += new FileInfo(target).Length;
                    continue;
                }
                if (!ShouldProcess(target, $"Write {item.What}")) continue;
                wrote = true;
                WriteVerbose($"{job.Id}: writing {item.Name} ({item.What}).");
                var missingBefore = result.Missing.Count;
                if (!TryRun(ct => archiver.WriteAsync(job, item, result, ct), item.Name, out _))
                {
                    // A failure that is not the service's refusal (the connection, the disk): the archive stays resumable.
                    return;
                }
                if (result.Missing.Count > missingBefore)
                    WriteWarning($"{job.Id}: {result.Missing[result.Missing.Count - 1]}. The archive lists it under Missing; a later run tries again.");
            }
            if (wrote || result.Kept.Count > 0) WriteObject(result);
        }
    }
}
