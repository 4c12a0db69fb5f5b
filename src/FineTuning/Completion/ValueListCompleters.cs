using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Completes a fixed list of values; any other value is accepted too.</summary>
    public abstract class ValueListCompleter : IArgumentCompleter
    {
        protected abstract IReadOnlyList<string> Values { get; }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = Completion.Unquote(wordToComplete);
            return Values.Where(s => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, s));
        }
    }

    /// <summary>Completes the statuses the service uses.</summary>
    public sealed class JobStatusCompleter : ValueListCompleter
    {
        private static readonly string[] Statuses =
            { "validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled" };

        protected override IReadOnlyList<string> Values => Statuses;
    }

    /// <summary>Completes the purposes files have on the service, those it writes itself included.</summary>
    public sealed class FilePurposeCompleter : ValueListCompleter
    {
        private static readonly string[] Purposes =
            { "fine-tune", "fine-tune-results", "batch", "batch_output", "assistants", "assistants_output", "vision", "user_data", "evals" };

        protected override IReadOnlyList<string> Values => Purposes;
    }

    /// <summary>Completes Azure OpenAI api-versions that serve fine-tuning: the dated GA and preview forms, and the v1 API's.</summary>
    public sealed class AzureApiVersionCompleter : ValueListCompleter
    {
        private static readonly string[] Versions = { "2024-10-21", "2025-04-01-preview", "v1", "preview" };

        protected override IReadOnlyList<string> Values => Versions;
    }
}
