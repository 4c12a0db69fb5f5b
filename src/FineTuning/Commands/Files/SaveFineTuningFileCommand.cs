using System;
using System.IO;
using System.Management.Automation;
using System.Security.Cryptography;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Save-FineTuningFile: streams a file's content to disk, decoding base64 result files.</summary>
    [Cmdlet(VerbsData.Save, "FineTuningFile", SupportsShouldProcess = true, DefaultParameterSetName = "Job")]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveFineTuningFileCommand : FineTuningCmdlet
    {
        [Parameter(ParameterSetName = "Id", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId", "file_id")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; } = string.Empty;

        /// <summary>A job whose result files (its metrics) are saved; a job piped in binds here.</summary>
        [Parameter(ParameterSetName = "Job", Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public FineTuningJob? Job { get; set; }

        /// <summary>
        /// Where to write (-Path, as PowerShell's Save- cmdlets name it; -OutFile also works); a folder keeps the file's
        /// own name. Default: the file's name in the current folder.
        /// </summary>
        [Parameter(Position = 1)]
        [Alias("OutFile")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Write the bytes exactly as served, without decoding base64 result files.</summary>
        [Parameter] public SwitchParameter Raw { get; set; }

        /// <summary>Overwrite an existing file.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override string Noun => "File";

        protected override void ProcessRecord()
        {
            if (ParameterSetName != "Job")
            {
                Save(Id);
                return;
            }
            var job = Job!;
            if (job.ResultFiles is null || job.ResultFiles.Count == 0)
            {
                WriteError(new ErrorRecord(
                    new InvalidOperationException($"Job {job.Id} has no result files (status {job.Status}); a job gets them when it succeeds."),
                    "JobHasNoResultFiles", ErrorCategory.InvalidOperation, job));
                return;
            }
            foreach (var id in job.ResultFiles) Save(id);
        }

        private void Save(string id)
        {
            var client = Client;
            if (!TryRun(ct => client.Files.GetAsync(id, ct), id, out var info)) return;
            // The service's name for the file is reduced to a leaf name that stays in the folder (DownloadTarget).
            DownloadTarget where;
            try
            {
                where = DownloadTarget.Resolve(SessionState.Path.CurrentFileSystemLocation.ProviderPath,
                    Path is null ? null : GetUnresolvedProviderPathFromPSPath(Path), info.Filename, id);
            }
            catch (Exception ex) when (ex is UnsafeFileNameException || ex is IOException || ex is ArgumentException || ex is NotSupportedException)
            {
                WriteError(ErrorMapping.ToErrorRecord(ex, id, Noun));
                return;
            }
            if (where.Renamed) WriteVerbose($"The service's name for {id}, '{where.ServiceName}', is saved as '{where.Name}'.");
            var target = where.Path;
            if (File.Exists(target) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{target}' already exists; use -Force to overwrite it."),
                    "FileExists", ErrorCategory.ResourceExists, target));
                return;
            }
            if (!ShouldProcess($"{id} ({TerminalText.Cell(info.Filename)}) to {target}", "Save file")) return;

            var partial = target + ".partial";
            try
            {
                using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    if (!TryRun(ct => client.Files.DownloadContentAsync(id, stream, ct), id, out _)) return;
                }
                var decode = !Raw && string.Equals(info.Purpose, "fine-tune-results", StringComparison.Ordinal) && IsBase64File(partial);
                if (decode)
                {
                    var decoded = target + ".decoded";
                    using (var input = File.OpenRead(partial))
                    using (var transform = new FromBase64Transform(FromBase64TransformMode.IgnoreWhiteSpaces))
                    using (var reader = new CryptoStream(input, transform, CryptoStreamMode.Read))
                    using (var output = File.Create(decoded))
                    {
                        reader.CopyTo(output);
                    }
                    File.Delete(partial);
                    partial = decoded;
                    WriteVerbose($"{id} came base64-encoded; wrote the decoded content.");
                }
                if (File.Exists(target)) File.Delete(target);
                File.Move(partial, target);
                WriteObject(SavedFile(target));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                WriteError(ErrorMapping.ToErrorRecord(ex, id, Noun));
            }
            finally
            {
                if (File.Exists(partial)) File.Delete(partial);
            }
        }

        /// <summary>
        /// The saved file as Get-Item gives it: through the FileSystem provider, so it carries the provider's properties
        /// (mode, owner, size, folder) that PowerShell's file view shows, instead of a bare FileInfo whose columns are blank.
        /// </summary>
        private object SavedFile(string target)
        {
            try
            {
                var items = InvokeProvider.Item.Get(new[] { target }, true, true);
                if (items.Count == 1) return items[0];
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is ItemNotFoundException || ex is NotSupportedException)
            {
                // A session without the FileSystem provider: the plain FileInfo still says where the file is.
            }
            return new FileInfo(target);
        }

        private static bool IsBase64File(string path)
        {
            var buffer = new byte[64 * 1024];
            using var stream = File.OpenRead(path);
            var read = stream.Read(buffer, 0, buffer.Length);
            return ResultFile.LooksBase64(buffer, read);
        }
    }
}
