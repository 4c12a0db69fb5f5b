using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Get-FineTuningFile: gets files by id or lists them.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningFile", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(FineTuningFile))]
    public sealed class GetFineTuningFileCommand : FineTuningCmdlet
    {
        private const string ListSet = "List";
        private const string ByIdSet = "ById";

        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId", "file_id")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(FilePurposeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Purpose { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(0, int.MaxValue)]
        public int First { get; set; } = int.MaxValue;

        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(0, int.MaxValue)]
        public int Skip { get; set; }

        protected override string Noun => "File";

        protected override void ProcessRecord()
        {
            var client = Client;
            if (ParameterSetName == ByIdSet)
            {
                foreach (var id in Id)
                {
                    if (TryRun(ct => client.Files.GetAsync(id, ct), id, out var file)) WriteObject(file);
                }
                return;
            }
            WriteList((after, limit, ct) => client.Files.ListAsync(Purpose, after, limit, null, ct), f => f.Id, First, Skip, 10000, null);
        }
    }
}
