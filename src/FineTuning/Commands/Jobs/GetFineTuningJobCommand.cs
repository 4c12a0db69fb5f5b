using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Get-FineTuningJob: gets jobs by id or lists them, newest first.</summary>
    [Cmdlet(VerbsCommon.Get, "FineTuningJob", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(FineTuningJob))]
    public sealed class GetFineTuningJobCommand : FineTuningCmdlet
    {
        private const string ListSet = "List";
        private const string ByIdSet = "ById";

        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("JobId", "fine_tuning_job_id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(JobStatusCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Status { get; set; }

        /// <summary>Only jobs whose suffix matches (wildcards allowed), filtered locally.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[]? Suffix { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNull]
        public Hashtable? Metadata { get; set; }

        /// <summary>Only jobs that have no metadata (filtered by the service).</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter NoMetadata { get; set; }

        /// <summary>Only jobs created at or after this time; the listing stops once a whole page is older.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Alias("Since")]
        public DateTime CreatedAfter { get; set; }

        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(0, int.MaxValue)]
        public int First { get; set; } = int.MaxValue;

        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(0, int.MaxValue)]
        public int Skip { get; set; }

        protected override string Noun => "Job";

        protected override void ProcessRecord()
        {
            var client = Client;
            if (ParameterSetName == ByIdSet)
            {
                foreach (var id in Id)
                {
                    if (TryRun(ct => client.Jobs.GetAsync(id, ct), id, out var job)) WriteObject(job);
                }
                return;
            }

            IDictionary<string, string>? metadata;
            try
            {
                metadata = CmdletHelpers.ToStringMap(Metadata, nameof(Metadata));
                if (NoMetadata && metadata != null && metadata.Count > 0)
                    throw new ParameterValidationException(nameof(NoMetadata), "-NoMetadata lists jobs without metadata; it cannot be combined with -Metadata pairs.");
            }
            catch (ParameterValidationException ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, Metadata, Noun));
                return;
            }
            var since = MyInvocation.BoundParameters.ContainsKey(nameof(CreatedAfter)) ? new DateTimeOffset(CreatedAfter) : (DateTimeOffset?)null;
            if (Status is null && Suffix is null && since is null)
            {
                WriteList((after, limit, ct) => client.Jobs.ListAsync(after, limit, metadata, ct, NoMetadata), j => j.Id, First, Skip, 100, null);
                return;
            }

            // The service filters by neither status, suffix nor date: list and keep the matching jobs, applying -Skip
            // and -First to what matches. Jobs come newest first, so with -CreatedAfter the listing ends after a page
            // holding only older jobs (a whole page, so that a service that orders a page loosely loses nothing).
            var statuses = Status is null ? null : new HashSet<string>(Status, StringComparer.OrdinalIgnoreCase);
            var suffixes = Suffix?.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
            bool Wanted(FineTuningJob job) =>
                (statuses is null || statuses.Contains(job.Status)) &&
                (suffixes is null || (job.UserProvidedSuffix != null && suffixes.Any(p => p.IsMatch(job.UserProvidedSuffix)))) &&
                (since is null || job.CreatedAt >= since);
            var all = new Pager<FineTuningJob>((after, limit, ct) => client.Jobs.ListAsync(after, limit, metadata, ct, NoMetadata), j => j.Id, 100);
            long skipped = 0, written = 0;
            while (!all.Done && written < First)
            {
                if (!TryRun(ct => all.NextAsync(ct), null, out var page)) return;
                foreach (var job in page)
                {
                    if (!Wanted(job)) continue;
                    if (skipped < Skip) { skipped++; continue; }
                    WriteObject(job);
                    if (++written >= First) break;
                }
                if (since != null && page.Count > 0 && page.All(j => j.CreatedAt < since))
                {
                    WriteVerbose($"Stopped listing: a whole page of jobs was created before {since:u}.");
                    break;
                }
            }
            if (all.StoppedEarly != null) WriteWarning(all.StoppedEarly);
        }
    }
}
