using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>
    /// How long to wait before the next look at jobs being waited for. Quick at first (the caller's interval, growing by
    /// half each time), slow in the middle (up to <see cref="Maximum"/>), quick again as the soonest estimated finish
    /// comes near (at most half the time left, so the finish is seen soon after it happens) and once it has passed
    /// (growing again from the caller's interval). Never shorter than the caller's interval.
    /// </summary>
    public sealed class PollSchedule
    {
        private TimeSpan _current;
        private DateTimeOffset? _overdueFor;

        public PollSchedule(TimeSpan minimum, TimeSpan maximum, double growth = 1.5)
        {
            if (minimum <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "The interval must be positive.");
            if (!(growth >= 1)) throw new ArgumentOutOfRangeException(nameof(growth), growth, "The growth must be at least 1.");
            Minimum = minimum;
            Maximum = maximum < minimum ? minimum : maximum;
            Growth = growth;
        }

        /// <summary>The shortest wait: the interval the caller asked for.</summary>
        public TimeSpan Minimum { get; }

        /// <summary>The longest wait between two looks.</summary>
        public TimeSpan Maximum { get; }

        public double Growth { get; }

        /// <summary>
        /// The wait after a look made at <paramref name="now"/>, given the soonest estimated finish among the jobs still
        /// waited for (null when the service gives none).
        /// </summary>
        public TimeSpan Next(DateTimeOffset now, DateTimeOffset? estimatedFinish)
        {
            _current = _current == TimeSpan.Zero
                ? Minimum
                : TimeSpan.FromTicks((long)Math.Min(Maximum.Ticks, _current.Ticks * Growth));
            if (estimatedFinish is DateTimeOffset finish)
            {
                var left = finish - now;
                if (left > TimeSpan.Zero)
                {
                    var half = TimeSpan.FromTicks(left.Ticks / 2);
                    if (half < _current) _current = half < Minimum ? Minimum : half;
                }
                else if (_overdueFor != finish)
                {
                    // The estimate has passed: the job usually ends within moments, so look again quickly.
                    _overdueFor = finish;
                    _current = Minimum;
                }
            }
            return _current;
        }
    }

    /// <summary>
    /// Fetches the current state of several jobs in as few requests as the service allows: one job by GET; more than
    /// one by one page of the job list (newest first, where jobs being waited for usually are), then a GET for each
    /// one the page did not hold.
    /// </summary>
    public static class JobBatch
    {
        /// <summary>The largest page the list call asks for.</summary>
        public const int PageSize = 100;

        /// <summary>
        /// The jobs in <paramref name="ids"/> found on one page of the list (an empty map when there is one id or none).
        /// The caller fetches the rest one by one, so a failure of one of them is reported for that job.
        /// </summary>
        public static async Task<IReadOnlyDictionary<string, FineTuningJob>> FromListAsync(FineTuningClient client, IReadOnlyCollection<string> ids, CancellationToken ct)
        {
            var found = new Dictionary<string, FineTuningJob>(StringComparer.Ordinal);
            if (ids.Count < 2) return found;
            var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
            var page = await client.Jobs.ListAsync(null, PageSize, null, ct).ConfigureAwait(false);
            foreach (var job in page.Data.Where(j => j?.Id != null && wanted.Contains(j.Id)))
            {
                found[job.Id] = job;
            }
            return found;
        }
    }
}
