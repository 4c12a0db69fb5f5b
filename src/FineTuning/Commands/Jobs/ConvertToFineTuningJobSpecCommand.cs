using System;
using System.IO;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>ConvertTo-FineTuningJobSpec: the spec that re-creates a job, as data or written to a .psd1 or .json file.</summary>
    [Cmdlet(VerbsData.ConvertTo, "FineTuningJobSpec", SupportsShouldProcess = true, DefaultParameterSetName = "Data")]
    [OutputType(typeof(System.Collections.Specialized.OrderedDictionary), ParameterSetName = new[] { "Data" })]
    [OutputType(typeof(FileInfo), ParameterSetName = new[] { "Path" })]
    public sealed class ConvertToFineTuningJobSpecCommand : PSCmdlet
    {
        /// <summary>The job, as Get-FineTuningJob writes it.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public FineTuningJob? Job { get; set; }

        /// <summary>A file to write: .psd1 (PowerShell data) or .json. With several jobs, '{id}' in the name stands for each job's id.</summary>
        [Parameter(ParameterSetName = "Path", Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>The training data as a local path (relative to the spec's folder) instead of the job's file id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TrainingFilePath { get; set; }

        /// <summary>The validation data as a local path instead of the job's file id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ValidationFilePath { get; set; }

        /// <summary>Overwrite an existing file.</summary>
        [Parameter(ParameterSetName = "Path")]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var job = Job!;
            var spec = JobSpecWriter.FromJob(job, TrainingFilePath, ValidationFilePath);
            if (Path is null)
            {
                WriteObject(spec);
                return;
            }
            string target;
            try
            {
                target = GetUnresolvedProviderPathFromPSPath(Path.Replace("{id}", DownloadTarget.LeafName(job.Id) ?? "_"));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteError(new ErrorRecord(ex, "InvalidPath", ErrorCategory.InvalidArgument, Path));
                return;
            }
            var extension = System.IO.Path.GetExtension(target).ToLowerInvariant();
            if (extension != ".psd1" && extension != ".json")
            {
                WriteError(new ErrorRecord(new ArgumentException($"-Path '{Path}' must end in .psd1 or .json: those are the spec formats New-FineTuningJob -Spec reads."),
                    "InvalidPath", ErrorCategory.InvalidArgument, Path));
                return;
            }
            if (File.Exists(target) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{target}' already exists; use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, target));
                return;
            }
            if (!ShouldProcess(target, $"Write the spec of job {job.Id}")) return;
            try
            {
                var text = extension == ".json" ? JobSpecWriter.ToJson(spec) : JobSpecWriter.ToPowerShellData(spec, $"Fine-tuning job {job.Id}: New-FineTuningJob -Spec <this file> creates it again.");
                var folder = System.IO.Path.GetDirectoryName(target);
                if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
                FileWriter.WriteAllText(target, text);
                WriteObject(new FileInfo(target));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(ErrorMapping.ToErrorRecord(ex, target, "File"));
            }
        }
    }
}
