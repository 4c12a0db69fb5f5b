using System;
using System.Management.Automation;
using System.Text.Json;
using FineTuning.Client;

namespace FineTuning.Commands
{
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
                Run(ct => client.Graders.ValidateAsync(grader, ct));
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
}
