using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>One suggestion of tab completion: the text that replaces the word, what a list shows, and a tooltip.</summary>
    public sealed class CompletionItem
    {
        public CompletionItem(string text, string listItem, string toolTip)
        {
            Text = text;
            // What a completion list shows comes from the service (ids, file names, statuses): no control characters.
            ListItem = TerminalText.Cell(listItem);
            ToolTip = TerminalText.Message(toolTip);
        }

        /// <summary>
        /// Whether the suggestion may be offered: one whose text holds a control character would put it on the command
        /// line (and a terminal), so it is left out.
        /// </summary>
        public bool IsSafe => !TerminalText.NeedsCleaning(Text) && Text.IndexOf('\n') < 0 && Text.IndexOf('\t') < 0;

        public string Text { get; }
        public string ListItem { get; }
        public string ToolTip { get; }

        public override string ToString() => Text;
    }

    /// <summary>Which jobs make sense for a command: all of them, or those in a state the command can change.</summary>
    public enum JobCompletionFilter
    {
        Any,
        /// <summary>Not final yet: what can be cancelled or waited for.</summary>
        Unfinished,
        /// <summary>Running: what can be paused.</summary>
        Running,
        /// <summary>Paused: what can be resumed.</summary>
        Paused,
        /// <summary>Finished (succeeded, failed, cancelled): what can be deleted.</summary>
        Finished,
    }

    /// <summary>
    /// Tab completion of job ids, file ids and model names. The word typed may be the start of an id, or of what
    /// a person remembers instead: a job's suffix or fine-tuned model, a file's name. Suggestions keep the
    /// service's order (newest first).
    /// </summary>
    public static class Completion
    {
        /// <summary>How many jobs or files a completion looks at: one page, the newest.</summary>
        public const int PageSize = 100;

        /// <summary>The word without the quotes PowerShell passes along when the user opened one.</summary>
        public static string Unquote(string? word)
        {
            var w = (word ?? string.Empty).Trim();
            if (w.Length > 0 && (w[0] == '\'' || w[0] == '"')) w = w.Substring(1);
            if (w.Length > 0 && (w[w.Length - 1] == '\'' || w[w.Length - 1] == '"')) w = w.Substring(0, w.Length - 1);
            return w;
        }

        public static bool Accepts(JobCompletionFilter filter, string? status)
        {
            switch (filter)
            {
                case JobCompletionFilter.Unfinished: return !JobStatus.IsFinal(status);
                case JobCompletionFilter.Running: return status == JobStatus.Running;
                case JobCompletionFilter.Paused: return status == JobStatus.Paused;
                case JobCompletionFilter.Finished: return JobStatus.IsFinal(status);
                default: return true;
            }
        }

        /// <summary>
        /// Jobs whose id starts with the word; when none does, jobs whose suffix starts with it or whose
        /// fine-tuned model contains it.
        /// </summary>
        public static IReadOnlyList<CompletionItem> Jobs(IEnumerable<FineTuningJob> jobs, string? word, JobCompletionFilter filter = JobCompletionFilter.Any)
        {
            var w = Unquote(word);
            var candidates = jobs.Where(j => !string.IsNullOrEmpty(j.Id) && Accepts(filter, j.Status)).ToList();
            var matches = candidates.Where(j => StartsWith(j.Id, w)).ToList();
            if (matches.Count == 0 && w.Length > 0)
            {
                matches = candidates.Where(j => StartsWith(j.UserProvidedSuffix, w) || Contains(j.FineTunedModel, w)).ToList();
            }
            return matches.Select(j => new CompletionItem(j.Id, $"{j.Id} ({j.Status})", JobTip(j))).ToList();
        }

        /// <summary>Files whose id or file name starts with the word, of one purpose when <paramref name="purpose"/> is given.</summary>
        public static IReadOnlyList<CompletionItem> Files(IEnumerable<FineTuningFile> files, string? word, string? purpose = null)
        {
            var w = Unquote(word);
            return files
                .Where(f => !string.IsNullOrEmpty(f.Id) && (purpose is null || string.Equals(f.Purpose, purpose, StringComparison.Ordinal)))
                .Where(f => StartsWith(f.Id, w) || StartsWith(f.Filename, w))
                .Select(f => new CompletionItem(f.Id, f.Filename is null ? f.Id : $"{f.Id} ({f.Filename})", FileTip(f)))
                .ToList();
        }

        /// <summary>
        /// Base models (snapshots, then aliases) that start with the word, limited to those offering
        /// <paramref name="method"/> when one is given and any of them matches; then the fine-tuned models of
        /// <paramref name="jobs"/> that start with it, which can be fine-tuned further.
        /// </summary>
        public static IReadOnlyList<CompletionItem> Models(string? word, TrainingMethod? method, IEnumerable<FineTuningJob>? jobs = null)
        {
            var w = Unquote(word);
            var items = new List<CompletionItem>();
            var bases = BaseModels.Known.Where(m => StartsWith(m.Snapshot, w) || StartsWith(m.Alias, w)).ToList();
            if (method.HasValue && bases.Any(m => m.Supports(method.Value))) bases = bases.Where(m => m.Supports(method.Value)).ToList();
            foreach (var m in bases)
            {
                if (StartsWith(m.Snapshot, w)) items.Add(new CompletionItem(m.Snapshot, m.Snapshot, ModelTip(m, null)));
            }
            foreach (var m in bases)
            {
                if (m.Alias != m.Snapshot && StartsWith(m.Alias, w)) items.Add(new CompletionItem(m.Alias, m.Alias, ModelTip(m, m.Snapshot)));
            }
            if (jobs != null)
            {
                var seen = new HashSet<string>(items.Select(i => i.Text), StringComparer.Ordinal);
                foreach (var job in jobs)
                {
                    var ft = job.FineTunedModel;
                    if (job.Status != JobStatus.Succeeded || string.IsNullOrEmpty(ft) || !StartsWith(ft, w) || !seen.Add(ft!)) continue;
                    items.Add(new CompletionItem(ft!, ft!, $"Fine-tuned by {job.Id} from {job.Model} ({job.MethodType}), {Stamp(job.FinishedAt ?? job.CreatedAt)}"));
                }
            }
            return items;
        }

        /// <summary>
        /// Models from the service's list whose name starts with the word; when none does, fine-tuned models whose
        /// suffix starts with it or whose name contains it. <paramref name="fineTunedOnly"/> keeps fine-tuned models.
        /// </summary>
        public static IReadOnlyList<CompletionItem> ServiceModels(IEnumerable<FineTuningModel> models, string? word, bool fineTunedOnly)
        {
            var w = Unquote(word);
            var candidates = models.Where(m => !string.IsNullOrEmpty(m.Id) && (!fineTunedOnly || m.IsFineTuned)).ToList();
            var matches = candidates.Where(m => StartsWith(m.Id, w)).ToList();
            if (matches.Count == 0 && w.Length > 0)
            {
                matches = candidates.Where(m => m.IsFineTuned && (StartsWith(m.Suffix, w) || Contains(m.Id, w))).ToList();
            }
            return matches.Select(m => new CompletionItem(m.Id, m.Id, ServiceModelTip(m))).ToList();
        }

        /// <summary>Whether completing <paramref name="word"/> as a model may need the account's fine-tuned models.</summary>
        public static bool WantsFineTunedModels(string? word)
        {
            var w = Unquote(word);
            return w.Length > 0 && ("ft:".StartsWith(w, StringComparison.OrdinalIgnoreCase) || w.StartsWith("ft:", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The models the service lists, for completion.</summary>
        public static async Task<IReadOnlyList<FineTuningModel>> ServiceModelsAsync(FineTuningClient client, CancellationToken ct)
        {
            var page = await client.Models.ListAsync(ct).ConfigureAwait(false);
            return page.Data;
        }

        /// <summary>The newest page of jobs, for completion.</summary>
        public static async Task<IReadOnlyList<FineTuningJob>> RecentJobsAsync(FineTuningClient client, CancellationToken ct)
        {
            var page = await client.Jobs.ListAsync(null, PageSize, null, ct).ConfigureAwait(false);
            return page.Data;
        }

        /// <summary>The newest page of files (of one purpose when given), for completion.</summary>
        public static async Task<IReadOnlyList<FineTuningFile>> RecentFilesAsync(FineTuningClient client, string? purpose, CancellationToken ct)
        {
            var page = await client.Files.ListAsync(purpose, null, PageSize, null, ct).ConfigureAwait(false);
            return page.Data;
        }

        private static bool StartsWith(string? value, string prefix) =>
            value != null && value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

        private static bool Contains(string? value, string part) =>
            value != null && value.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;

        private static string Stamp(DateTimeOffset when) =>
            when.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

        private static string JobTip(FineTuningJob j)
        {
            var parts = new List<string> { j.Status, j.Model ?? "?", j.MethodType };
            if (!string.IsNullOrEmpty(j.UserProvidedSuffix)) parts.Add("suffix " + j.UserProvidedSuffix);
            if (!string.IsNullOrEmpty(j.FineTunedModel)) parts.Add(j.FineTunedModel!);
            parts.Add("created " + Stamp(j.CreatedAt));
            return string.Join(", ", parts);
        }

        private static string FileTip(FineTuningFile f)
        {
            var parts = new List<string>();
            if (f.Filename != null) parts.Add(f.Filename);
            if (f.Purpose != null) parts.Add(f.Purpose);
            if (f.Bytes.HasValue) parts.Add(f.Bytes.Value.ToString("N0", CultureInfo.InvariantCulture) + " bytes");
            parts.Add("created " + Stamp(f.CreatedAt));
            return string.Join(", ", parts);
        }

        private static string ServiceModelTip(FineTuningModel m)
        {
            var parts = new List<string> { m.IsFineTuned ? "fine-tuned" : "base model" };
            if (m.BaseModel != null) parts.Add("from " + m.BaseModel);
            if (m.OwnedBy != null) parts.Add("owned by " + m.OwnedBy);
            parts.Add("created " + Stamp(m.Created));
            return string.Join(", ", parts);
        }

        private static string ModelTip(BaseModel m, string? aliasOf)
        {
            var methods = string.Join(", ", m.Methods.Select(x => x.ToString()));
            return aliasOf is null ? $"Base model; methods: {methods}" : $"Alias of {aliasOf}; methods: {methods}";
        }
    }
}
