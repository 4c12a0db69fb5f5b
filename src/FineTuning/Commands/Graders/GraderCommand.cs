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
}
