using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>
    /// Base of the completers that ask the service (job ids, file ids, fine-tuned models). They use the connection
    /// the command would use (-Connection when typed, then the session's, then the environment's), give up after
    /// a few seconds, and never write anything: a completion that cannot reach the service offers nothing.
    /// </summary>
    public abstract class ServiceCompleter : IArgumentCompleter
    {
        /// <summary>The longest a completion waits for the service.</summary>
        private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<CompletionItem> items;
            try
            {
                items = Complete(ShortName(commandName), parameterName, wordToComplete ?? string.Empty, fakeBoundParameters);
            }
            catch (Exception)
            {
                // Tab completion must never fail loudly: no connection, a refused request or a timeout offer nothing.
                return Array.Empty<CompletionResult>();
            }
            var quote = QuoteOf(wordToComplete);
            return items.Where(i => i.IsSafe).Select(i => new CompletionResult(QuoteIfNeeded(i.Text, quote), i.ListItem, CompletionResultType.ParameterValue, i.ToolTip)).ToList();
        }

        protected abstract IReadOnlyList<CompletionItem> Complete(string commandName, string parameterName, string word, IDictionary fakeBoundParameters);

        /// <summary>The client the completed command would use, or null when there is no connection.</summary>
        private static FineTuningClient? ClientFor(IDictionary? fakeBoundParameters)
        {
            var typed = fakeBoundParameters != null && fakeBoundParameters.Contains("Connection")
                ? CmdletHelpers.Unwrap(fakeBoundParameters["Connection"]) as FineTuningConnection
                : null;
            var connection = typed ?? ModuleSession.Connection ?? ModuleSession.FromEnvironment();
            return connection?.Client;
        }

        /// <summary>
        /// Asks the service the completed command would use, within <see cref="Budget"/>; null when there is no
        /// connection at all.
        /// </summary>
        protected static T? FetchFor<T>(IDictionary? fakeBoundParameters, Func<FineTuningClient, CancellationToken, Task<T>> request) where T : class
        {
            var client = ClientFor(fakeBoundParameters);
            return client is null ? null : Fetch(ct => request(client, ct));
        }

        /// <summary>Runs a request for the completion within <see cref="Budget"/>.</summary>
        private static T Fetch<T>(Func<CancellationToken, Task<T>> request)
        {
            using (var cts = new CancellationTokenSource(Budget))
            {
                var previous = ClientLog.Current;
                ClientLog.Current = null; // nothing a completion does is reported
                try
                {
                    return request(cts.Token).GetAwaiter().GetResult();
                }
                finally
                {
                    ClientLog.Current = previous;
                }
            }
        }

        private static string ShortName(string? commandName)
        {
            var name = commandName ?? string.Empty;
            var slash = name.LastIndexOf('\\');
            return slash >= 0 ? name.Substring(slash + 1) : name;
        }

        private static char? QuoteOf(string? word) =>
            !string.IsNullOrEmpty(word) && (word![0] == '\'' || word[0] == '"') ? word[0] : (char?)null;

        /// <summary>Keeps the quote the user opened; quotes a value that PowerShell would otherwise split or expand.</summary>
        internal static string QuoteIfNeeded(string text, char? quote)
        {
            if (quote == '"') return "\"" + text.Replace("`", "``").Replace("\"", "`\"").Replace("$", "`$") + "\"";
            if (quote == '\'' || text.IndexOfAny(Special) >= 0 || text.Length == 0) return "'" + text.Replace("'", "''") + "'";
            return text;
        }

        private static readonly char[] Special = { ' ', '\t', '\'', '"', '`', '$', '@', '#', ';', ',', '(', ')', '{', '}', '|', '&', '<', '>' };
    }

    /// <summary>
    /// Completes job ids from the newest jobs, by id, suffix or fine-tuned model. Stop- and Wait-FineTuningJob are
    /// offered unfinished jobs, Suspend- running ones, Resume- paused ones, Remove- finished ones.
    /// </summary>
    public sealed class JobIdCompleter : ServiceCompleter
    {
        protected override IReadOnlyList<CompletionItem> Complete(string commandName, string parameterName, string word, IDictionary fakeBoundParameters)
        {
            var jobs = FetchFor(fakeBoundParameters, Completion.RecentJobsAsync);
            return jobs is null ? Array.Empty<CompletionItem>() : Completion.Jobs(jobs, word, FilterFor(commandName));
        }

        internal static JobCompletionFilter FilterFor(string commandName)
        {
            switch (commandName.ToUpperInvariant())
            {
                case "STOP-FINETUNINGJOB":
                case "WAIT-FINETUNINGJOB":
                    return JobCompletionFilter.Unfinished;
                case "SUSPEND-FINETUNINGJOB":
                    return JobCompletionFilter.Running;
                case "RESUME-FINETUNINGJOB":
                    return JobCompletionFilter.Paused;
                case "REMOVE-FINETUNINGJOB":
                    return JobCompletionFilter.Finished;
                default:
                    return JobCompletionFilter.Any;
            }
        }
    }

    /// <summary>Completes file ids from the newest files, by id or file name.</summary>
    public class FileIdCompleter : ServiceCompleter
    {
        /// <summary>The purpose of the files offered; null for all.</summary>
        protected virtual string? Purpose => null;

        protected override IReadOnlyList<CompletionItem> Complete(string commandName, string parameterName, string word, IDictionary fakeBoundParameters)
        {
            var files = FetchFor(fakeBoundParameters, (client, ct) => Completion.RecentFilesAsync(client, Purpose, ct));
            return files is null ? Array.Empty<CompletionItem>() : Completion.Files(files, word, Purpose);
        }
    }

    /// <summary>Completes the ids of fine-tune files (training and validation files of a job), by id or file name.</summary>
    public sealed class TrainingFileCompleter : FileIdCompleter
    {
        protected override string? Purpose => "fine-tune";
    }

    /// <summary>Completes model names from the service's list; Remove-FineTuningModel is offered fine-tuned models only.</summary>
    public sealed class ServiceModelCompleter : ServiceCompleter
    {
        protected override IReadOnlyList<CompletionItem> Complete(string commandName, string parameterName, string word, IDictionary fakeBoundParameters)
        {
            var models = FetchFor(fakeBoundParameters, Completion.ServiceModelsAsync);
            if (models is null) return Array.Empty<CompletionItem>();
            var fineTunedOnly = string.Equals(commandName, "Remove-FineTuningModel", StringComparison.OrdinalIgnoreCase) ||
                fakeBoundParameters?.Contains("FineTuned") == true;
            return Completion.ServiceModels(models, word, fineTunedOnly);
        }
    }

    /// <summary>
    /// Completes base models known to take fine-tuning (those offering -Method when it is typed) without asking the
    /// service; a word starting with <c>ft:</c> also gets the fine-tuned models of the newest succeeded jobs.
    /// </summary>
    public sealed class ModelCompleter : ServiceCompleter
    {
        protected override IReadOnlyList<CompletionItem> Complete(string commandName, string parameterName, string word, IDictionary fakeBoundParameters)
        {
            TrainingMethod? method = null;
            var typed = fakeBoundParameters != null && fakeBoundParameters.Contains("Method") ? CmdletHelpers.Unwrap(fakeBoundParameters["Method"]) : null;
            // -Method of New-FineTuningJob or Test-FineTuningDataset (both TrainingMethod), or the name as typed.
            if (typed != null && Enum.TryParse<TrainingMethod>(typed.ToString(), true, out var parsed)) method = parsed;

            IReadOnlyList<FineTuningJob>? jobs = null;
            if (Completion.WantsFineTunedModels(word))
            {
                try
                {
                    jobs = FetchFor(fakeBoundParameters, Completion.RecentJobsAsync);
                }
                catch (Exception)
                {
                    // The base models are still worth offering when the service cannot be asked.
                }
            }
            return Completion.Models(word, method, jobs);
        }
    }
}
