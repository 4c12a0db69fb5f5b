using System;
using System.Collections.Generic;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
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
                if (!TryRun(ct => client.Models.ListAsync(ct), null, out var page)) return;
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
                        if (!TryRun(ct => client.Models.ListAsync(ct), name, out var page)) return;
                        _all = page.Data;
                    }
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    foreach (var model in _all)
                    {
                        if (pattern.IsMatch(model.Id) && (!FineTuned || model.IsFineTuned)) WriteObject(model);
                    }
                    continue;
                }
                if (TryRun(ct => client.Models.GetAsync(name, ct), name, out var found)) WriteObject(found);
            }
        }
    }
}
