using System;
using System.Management.Automation;
using System.Text.Json;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Shared input of the grader cmdlets: a grader as a hashtable, an object (ConvertFrom-Json) or JSON text.</summary>
    public abstract class GraderCommand : FineTuningCmdlet
    {
        protected override string Noun => "Grader";

        /// <summary>The grader as JSON; throws <see cref="ParameterValidationException"/> naming -Grader when it is not one.</summary>
        internal static JsonElement GraderJson(object? grader)
        {
            var plain = CmdletHelpers.ToPlain(grader);
            JsonElement json;
            if (plain is string text)
            {
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    json = doc.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new ParameterValidationException("Grader", $"-Grader is text that is not JSON: {ex.Message}");
                }
            }
            else
            {
                json = JsonValueConverter.FromObject(plain);
            }
            GraderCheck.Require(json, "Grader");
            return json;
        }
    }

    /// <summary>Test-FineTuningGrader: asks the service whether graders are well formed.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "FineTuningGrader")]
    [OutputType(typeof(bool))]
    public sealed class TestFineTuningGraderCommand : GraderCommand
    {
        /// <summary>The grader: a hashtable, an object or JSON text.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public object? Grader { get; set; }

        protected override void ProcessRecord()
        {
            JsonElement grader;
            try
            {
                grader = GraderJson(Grader);
            }
            catch (ParameterValidationException ex)
            {
                WriteError(ErrorMapping.ToErrorRecord(ex, Grader, Noun));
                return;
            }
            var client = Client;
            try
            {
                Run(ct => client.ValidateGraderAsync(grader, ct));
                WriteObject(true);
            }
            catch (FineTuningServiceException ex) when (ex.Kind == ServiceErrorKind.BadRequest)
            {
                // The answer to the question asked: not valid, and why.
                WriteWarning(ex.Param is null || ex.Message.Contains(ex.Param) ? ex.Message : $"{ex.Param}: {ex.Message}");
                WriteObject(false);
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                WriteError(ErrorMapping.ToErrorRecord(ex, Grader, Noun));
            }
        }
    }

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
            if (TryRun(ct => client.RunGraderAsync(request, ct), ModelSample, out var result)) WriteObject(result);
        }
    }
}
