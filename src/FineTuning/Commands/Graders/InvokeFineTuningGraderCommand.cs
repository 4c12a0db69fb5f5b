using System.Management.Automation;
using System.Text.Json;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Invoke-FineTuningGrader: runs a grader on model outputs and writes the rewards.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "FineTuningGrader")]
    [OutputType(typeof(GraderResult))]
    public sealed class InvokeFineTuningGraderCommand : GraderCommand
    {
        /// <summary>The grader: a hashtable, an object or JSON text.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public object? Grader { get; set; }

        /// <summary>The model output to score.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("model_sample", "Sample")]
        [AllowEmptyString]
        public string ModelSample { get; set; } = string.Empty;

        /// <summary>The dataset line the output answers, read by the grader's {{item.*}} templates.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public object? Item { get; set; }

        private JsonElement _grader;

        protected override void BeginProcessing()
        {
            try
            {
                _grader = GraderJson(Grader);
            }
            catch (ParameterValidationException ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, Grader, Noun));
            }
        }

        protected override void ProcessRecord()
        {
            JsonElement? item = null;
            if (Item != null)
            {
                var json = JsonValueConverter.FromObject(CmdletHelpers.ToPlain(Item));
                if (json.ValueKind != JsonValueKind.Object)
                {
                    WriteError(ErrorMapping.ToErrorRecord(
                        new ParameterValidationException("Item", "-Item must be a hashtable or an object (a dataset line), not a single value.", Item), Item, Noun));
                    return;
                }
                item = json;
            }
            var request = new RunGraderRequest { Grader = _grader, Item = item, ModelSample = ModelSample };
            var client = Client;
            if (TryRun(ct => client.Graders.RunAsync(request, ct), ModelSample, out var result)) WriteObject(result);
        }
    }
}
