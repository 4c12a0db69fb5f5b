using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>
    /// Walks a cursor-paged list (<c>after</c> = id of the last item) page by page, applying
    /// <see cref="Skip"/> and <see cref="First"/> across pages, and stopping when the service says
    /// there is no more, sends an empty page, or repeats a cursor (a guard against endless loops).
    /// </summary>
    public sealed class Pager<T>
    {
        private readonly Func<string?, int?, CancellationToken, Task<ListPage<T>>> _fetch;
        private readonly Func<T, string> _idOf;
        private readonly HashSet<string> _cursors = new HashSet<string>(StringComparer.Ordinal);
        private string? _after;
        private long _skipped;
        private long _emitted;

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
                Done = true;
                RepeatedCursor = true;
                return Array.Empty<T>();
            }
            var items = new List<T>(page.Data.Count);
            foreach (var item in page.Data)
            {
                if (_skipped < Skip) { _skipped++; continue; }
                if (First.HasValue && _emitted >= First.Value) break;
                items.Add(item);
                _emitted++;
            }
            if (!page.HasMore || page.Data.Count == 0 || (First.HasValue && _emitted >= First.Value))
            {
                Done = true;
            }
            else
            {
                var next = _idOf(page.Data[page.Data.Count - 1]);
                if (string.IsNullOrEmpty(next) || !_cursors.Add(next))
                {
                    Done = true;
                    RepeatedCursor = true;
                }
                _after = next;
            }
            return items;
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
