using System;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Import-FineTuningFile: has Azure OpenAI make a file from content it downloads from a URL (a blob SAS URL).</summary>
    [Cmdlet(VerbsData.Import, "FineTuningFile", SupportsShouldProcess = true)]
    [OutputType(typeof(FineTuningFile))]
    public sealed class ImportFineTuningFileCommand : FineTuningCmdlet
    {
        /// <summary>Where the service downloads the content from; the query (a SAS signature) is never shown.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ContentUrl", "content_url")]
        [ValidateNotNull]
        public Uri? Uri { get; set; }

        /// <summary>The file's name on the service; default: the last segment of the URL's path.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? FileName { get; set; }

        [Parameter]
        [ValidateSet("fine-tune", "batch", "assistants", "vision", "user_data", "evals")]
        public string Purpose { get; set; } = "fine-tune";

        /// <summary>Have the service delete the file this many seconds after it is made (14 to 30 days on Azure).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ExpiresAfterSec { get; set; }

        protected override string Noun => "File";

        protected override void BeginProcessing()
        {
            try
            {
                Client.Files.EnsureCanImport();
                Client.Files.EnsureValidLifetime(MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAfterSec)) ? ExpiresAfterSec : (long?)null);
            }
            catch (Exception ex) when (ex is NotSupportedException || ex is ParameterValidationException)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
            }
        }

        protected override void ProcessRecord()
        {
            var uri = Uri!;
            var shown = FilesClient.Redact(uri);
            var name = FileName;
            if (string.IsNullOrEmpty(name) && uri.IsAbsoluteUri)
                name = System.Uri.UnescapeDataString(uri.AbsolutePath.Split('/').LastOrDefault() ?? string.Empty);
            if (!ShouldProcess($"{shown} as '{name}', purpose '{Purpose}'", "Import file")) return;
            var lifetime = MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAfterSec)) ? ExpiresAfterSec : (long?)null;
            if (TryRun(ct => Client.Files.ImportAsync(uri, name ?? string.Empty, Purpose, ct, lifetime), shown, out var file)) WriteObject(file);
        }
    }
}
