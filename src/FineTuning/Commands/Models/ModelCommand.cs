using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Shared input of the model and checkpoint cmdlets: names, or objects that lead to a model, from the pipeline.</summary>
    public abstract class ModelCommand : FineTuningCmdlet
    {
        protected override string Noun => "Model";

        /// <summary>The ErrorId written for an item that names no model.</summary>
        protected virtual string InvalidItemErrorId => "InvalidModel";

        /// <summary>
        /// The model's name, or null after writing why the item names no model. Objects read from JSON (such as
        /// ConvertFrom-Json output) are looked up by their fine_tuned_model, then id.
        /// </summary>
        protected string? NameOf(object? item, out object? value)
        {
            value = item is PSObject ps && !(ps.BaseObject is PSCustomObject) ? ps.BaseObject : item;
            if (value is PSObject custom)
            {
                foreach (var property in new[] { "fine_tuned_model", "FineTunedModel", "id" })
                {
                    if (custom.Properties[property]?.Value is string s && s.Length > 0)
                    {
                        value = s;
                        break;
                    }
                }
            }
            var name = ModelReference.NameOf(value, out var problem);
            if (name is null)
            {
                WriteError(new ErrorRecord(new ArgumentException(problem), InvalidItemErrorId, ErrorCategory.InvalidArgument, item));
            }
            return name;
        }
    }
}
