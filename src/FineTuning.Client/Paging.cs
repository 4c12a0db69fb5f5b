using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>
    /// Walks a cursor-paged list (<c>after</c> = id of the last item) page by page, applying
    /// <see cref="Skip"/> and <see cref="First"/> across pages, and stopping when the service says
    /// there is no more or sends an empty page, and, as guards against endless loops, when it repeats a
    /// cursor, sends a page with nothing new, or keeps going past <see cref="MaxItems"/>.
    /// </summary>
    public sealed class Pager<T>
    {
        private readonly Func<string?, int?, CancellationToken, Task<ListPage<T>>> _fetch;
        private readonly Func<T, string> _idOf;
        private readonly HashSet<string> _cursors = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private string? _after;
        private long _skipped;
        private long _emitted;
        private long _read;

        public Pager(Func<string?, int?, CancellationToken, Task<ListPage<T>>> fetch, Func<T, string> idOf, int? pageSize = null, long skip = 0, long? first = null)
        {
            if (skip < 0) throw new ArgumentOutOfRangeException(nameof(skip), "Skip cannot be negative.");
            if (first < 0) throw new ArgumentOutOfRangeException(nameof(first), "First cannot be negative.");
            _fetch = fetch;
            _idOf = idOf;
            PageSize = pageSize;
            Skip = skip;
            First = first;
            Done = first == 0;
        }

        public int? PageSize { get; }
        public long Skip { get; }
        public long? First { get; }
        /// <summary>No more pages will be fetched.</summary>
        public bool Done { get; private set; }
        public int PagesFetched { get; private set; }

        /// <summary>
        /// The most items one listing reads (default 100,000, far more than an account holds); a service that keeps saying
        /// there is more past it is not followed further. Raised to First + Skip when those ask for more.
        /// </summary>
        public long MaxItems { get; set; } = DefaultMaxItems;

        public const long DefaultMaxItems = 100_000;

        /// <summary>Why paging stopped before the service said there was no more (null when it did not): a message for a warning.</summary>
        public string? StoppedEarly { get; private set; }

        /// <summary>Fetches the next page and returns the items of it to emit (after Skip, up to First).</summary>
        public async Task<IReadOnlyList<T>> NextAsync(CancellationToken ct = default)
        {
            if (Done) return Array.Empty<T>();
            var limit = PageSize;
            if (First.HasValue && limit == null)
            {
                // Ask for no more than needed when the caller wants only a few.
                var needed = First.Value + Skip - _skipped - _emitted;
                if (needed > 0 && needed < 100) limit = (int)Math.Max(needed, 1);
            }
            var page = await _fetch(_after, limit, ct).ConfigureAwait(false);
            PagesFetched++;
            if (page.Data.Count > 0 && _cursors.Contains(_idOf(page.Data[page.Data.Count - 1]) ?? string.Empty))
            {
                // The page ends where an earlier page ended: the service ignored the cursor and sent
                // items already emitted. Stop without emitting them twice.
                Stop(repeatedCursor: true, "The service returned the same page cursor twice; the listing stopped there to avoid a loop.");
                return Array.Empty<T>();
            }
            var items = new List<T>(page.Data.Count);
            var fresh = 0;
            foreach (var item in page.Data)
            {
                // An item already read is never emitted twice, whatever cursor the service sends.
                var id = _idOf(item);
                if (!string.IsNullOrEmpty(id) && !_seen.Add(id)) continue;
                fresh++;
                _read++;
                if (_skipped < Skip) { _skipped++; continue; }
                if (First.HasValue && _emitted >= First.Value) break;
                items.Add(item);
                _emitted++;
            }
            if (!page.HasMore || page.Data.Count == 0 || (First.HasValue && _emitted >= First.Value))
            {
                Done = true;
            }
            else if (fresh == 0)
            {
                Stop(repeatedCursor: false, $"The service sent a page of {page.Data.Count} item(s) already listed and said there was more; the listing stopped there to avoid a loop.");
            }
            else if (_read >= Math.Max(MaxItems, First.HasValue ? First.Value + Skip : 0))
            {
                Stop(repeatedCursor: false, $"The listing stopped after {_read:N0} items although the service said there was more: that is past the {MaxItems:N0} a listing reads, far more than an account holds. Use -First to ask for more.");
            }
            else
            {
                var next = _idOf(page.Data[page.Data.Count - 1]);
                if (string.IsNullOrEmpty(next) || !_cursors.Add(next))
                    Stop(repeatedCursor: true, "The service returned the same page cursor twice; the listing stopped there to avoid a loop.");
                _after = next;
            }
            return items;
        }

        private void Stop(bool repeatedCursor, string why)
        {
            Done = true;
            RepeatedCursor |= repeatedCursor;
            StoppedEarly = why;
        }

        /// <summary>True when paging stopped because the service sent the same cursor twice.</summary>
        public bool RepeatedCursor { get; private set; }

        /// <summary>Every item, page after page (for tests and non-interactive callers).</summary>
        public async Task<List<T>> ToListAsync(CancellationToken ct = default)
        {
            var all = new List<T>();
            while (!Done) all.AddRange(await NextAsync(ct).ConfigureAwait(false));
            return all;
        }
    }
}
