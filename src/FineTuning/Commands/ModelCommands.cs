using System;
using System.Collections.Generic;
using System.Linq;
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

    /// <summary>Get-FineTuningModel: the models the account can use, or models by name.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningModel", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(FineTuningModel))]
    public sealed class GetFineTuningModelCommand : ModelCommand
    {
        private const string ListSet = "List";
        private const string ByIdSet = "ById";

        /// <summary>Model names (wildcards allowed), or model, job or checkpoint objects.</summary>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Name")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServiceModelCompleter))]
        [ValidateNotNullOrEmpty]
        public object[] Id { get; set; } = Array.Empty<object>();

        /// <summary>Only models made by fine-tuning (in the list, and among the matches of a wildcard pattern).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ByIdSet)]
        public SwitchParameter FineTuned { get; set; }

        private IReadOnlyList<FineTuningModel>? _all;

        protected override void ProcessRecord()
        {
            var client = Client;
            if (ParameterSetName == ListSet)
            {
                if (!TryRun(ct => client.ListModelsAsync(ct), null, out var page)) return;
                foreach (var model in page.Data)
                {
                    if (!FineTuned || model.IsFineTuned) WriteObject(model);
                }
                return;
            }

            foreach (var item in Id)
            {
                var name = NameOf(item, out _);
                if (name is null) continue;
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    // A pattern is matched against the list, once per call; no match is not an error.
                    if (_all is null)
                    {
                        if (!TryRun(ct => client.ListModelsAsync(ct), name, out var page)) return;
                        _all = page.Data;
                    }
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    foreach (var model in _all)
                    {
                        if (pattern.IsMatch(model.Id) && (!FineTuned || model.IsFineTuned)) WriteObject(model);
                    }
                    continue;
                }
                if (TryRun(ct => client.GetModelAsync(name, ct), name, out var found)) WriteObject(found);
            }
        }
    }

    /// <summary>Remove-FineTuningModel: deletes fine-tuned models.</summary>
    [Cmdlet(VerbsCommon.Remove, "FineTuningModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DeletionResult))]
    public sealed class RemoveFineTuningModelCommand : ModelCommand
    {
        /// <summary>Model names, or model, job or checkpoint objects.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(ServiceModelCompleter))]
        [ValidateNotNullOrEmpty]
        public object[] Id { get; set; } = Array.Empty<object>();

        /// <summary>Write the service's answer for each deleted model.</summary>
        [Parameter] public SwitchParameter PassThru { get; set; }

        /// <summary>Delete without asking; -WhatIf still only reports.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var client = Client;
            foreach (var item in Id)
            {
                var name = NameOf(item, out var value);
                if (name is null) continue;
                var refusal = ModelReference.WhyNotDeletable(value, name);
                if (refusal != null)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(refusal), "NotFineTunedModel", ErrorCategory.InvalidOperation, name));
                    continue;
                }
                if (!ShouldProcessUnlessForced(Force, name, "Delete fine-tuned model")) continue;
                if (TryRun(ct => client.DeleteModelAsync(name, ct), name, out var result) && PassThru) WriteObject(result);
            }
        }
    }
}
