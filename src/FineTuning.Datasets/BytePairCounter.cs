using System;
using System.IO;
using System.Text;

namespace FineTuning.Datasets
{
    /// <summary>
    /// Counts the tokens of one pre-split piece by tiktoken's byte-pair merge rule: start from single bytes and,
    /// while any two neighbouring parts join into a token of the vocabulary, join the pair of lowest rank (the
    /// leftmost when equal). The vocabulary is the one the Microsoft.ML.Tokenizers.Data packages ship (the
    /// <c>.tiktoken</c> file: the base64 bytes of one token per line, in rank order), held in one open-addressing table over a byte
    /// arena, so a rank lookup allocates nothing and hashes the bytes once. Read-only after loading: safe to
    /// share between threads (each thread has its own scratch arrays).
    /// </summary>
    /// <remarks>
    /// Why not the tokenizer package's own merge: on text with many words the cache has not seen, its
    /// netstandard2.0 build spent about 6 µs per new piece here, more than everything else in a dataset
    /// check put together (see docs/design.md). The package still encodes text to ids
    /// (<see cref="TokenCounter.Encode"/>), and the counts are checked against it and against tiktoken.
    /// </remarks>
    internal sealed class BytePairCounter
    {
        private readonly int[] _slots;      // entry index + 1; 0 is free
        private readonly int[] _hashes;
        private readonly int[] _starts;
        private readonly int[] _lengths;
        private readonly int[] _ranks;
        private readonly byte[] _arena;
        private readonly int _mask;

        [ThreadStatic] private static byte[]? t_bytes;
        [ThreadStatic] private static int[]? t_starts;
        [ThreadStatic] private static int[]? t_ranks;

        private BytePairCounter(int[] slots, int[] hashes, int[] starts, int[] lengths, int[] ranks, byte[] arena)
        {
            _slots = slots; _hashes = hashes; _starts = starts; _lengths = lengths; _ranks = ranks; _arena = arena;
            _mask = slots.Length - 1;
        }

        /// <summary>Reads a <c>.tiktoken</c> vocabulary: one "base64-bytes rank" pair per line.</summary>
        public static BytePairCounter Load(Stream tiktoken)
        {
            int count = 0, used = 0;
            var hashes = new int[1 << 18];
            var starts = new int[hashes.Length];
            var lengths = new int[hashes.Length];
            var ranks = new int[hashes.Length];
            var arena = new byte[1 << 21];
            using (var reader = new StreamReader(tiktoken, Encoding.ASCII, false, 1 << 16))
            {
                string? line;
                int next = 0;
                while ((line = reader.ReadLine()) != null)
                {
                    if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
                    // "base64 rank", or (as the 3.x data packages ship it) "base64" alone, ranked by its place.
                    int space = line.IndexOf(' ');
                    var bytes = Convert.FromBase64String(space < 0 ? line : line.Substring(0, space));
                    int rank = space < 0 ? next : int.Parse(line.Substring(space + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
                    next = rank + 1;
                    if (count == hashes.Length)
                    {
                        Array.Resize(ref hashes, count * 2); Array.Resize(ref starts, count * 2);
                        Array.Resize(ref lengths, count * 2); Array.Resize(ref ranks, count * 2);
                    }
                    if (used + bytes.Length > arena.Length) Array.Resize(ref arena, Math.Max(arena.Length * 2, used + bytes.Length));
                    Buffer.BlockCopy(bytes, 0, arena, used, bytes.Length);
                    hashes[count] = Hash(arena, used, bytes.Length);
                    starts[count] = used; lengths[count] = bytes.Length; ranks[count] = rank;
                    used += bytes.Length;
                    count++;
                }
            }
            int size = 1;
            while (size < count * 2) size <<= 1;
            var slots = new int[size];
            for (int e = 0; e < count; e++)
            {
                int s = hashes[e] & (size - 1);
                while (slots[s] != 0) s = (s + 1) & (size - 1);
                slots[s] = e + 1;
            }
            return new BytePairCounter(slots, hashes, starts, lengths, ranks, arena);
        }

        private static int Hash(byte[] data, int start, int length)
        {
            uint h = 2166136261;
            for (int i = start, end = start + length; i < end; i++) h = (h ^ data[i]) * 16777619;
            return (int)(h ^ (h >> 15));
        }

        /// <summary>The rank of the bytes as one token, or <see cref="int.MaxValue"/> when they are not one.</summary>
        private int Rank(byte[] data, int start, int length)
        {
            int hash = Hash(data, start, length);
            for (int s = hash & _mask; ; s = (s + 1) & _mask)
            {
                int e = _slots[s] - 1;
                if (e < 0) return int.MaxValue;
                if (_hashes[e] == hash && _lengths[e] == length &&
                    new ReadOnlySpan<byte>(data, start, length).SequenceEqual(new ReadOnlySpan<byte>(_arena, _starts[e], length)))
                    return _ranks[e];
            }
        }

        /// <summary>Number of tokens of one piece (a match of the encoding's split pattern).</summary>
        public int Count(string text, int index, int length)
        {
            if (length == 0) return 0;
            var bytes = t_bytes;
            int max = Encoding.UTF8.GetMaxByteCount(length);
            if (bytes == null || bytes.Length < max) t_bytes = bytes = new byte[Math.Max(max, 256)];
            int n = Encoding.UTF8.GetBytes(text, index, length, bytes, 0);
            if (n == 1 || Rank(bytes, 0, n) != int.MaxValue) return 1;

            var starts = t_starts;
            var ranks = t_ranks;
            if (starts == null || ranks == null || starts.Length < n + 1)
            {
                t_starts = starts = new int[Math.Max(n + 1, 256)];
                t_ranks = ranks = new int[starts.Length];
            }
            // parts: starts[0..parts); ranks[i] is the rank of parts i and i + 1 joined (MaxValue: not a token).
            int parts = n + 1;
            for (int i = 0; i <= n; i++) starts[i] = i;
            for (int i = 0; i < n - 1; i++) ranks[i] = Rank(bytes, i, 2);
            ranks[n - 1] = int.MaxValue; ranks[n] = int.MaxValue;
            while (parts > 2)
            {
                int best = int.MaxValue, at = -1;
                for (int i = 0; i < parts - 2; i++)
                {
                    if (ranks[i] < best) { best = ranks[i]; at = i; }
                }
                if (at < 0) break;
                // Join parts at and at + 1: remove start at + 1, then recompute the ranks around the join.
                Array.Copy(starts, at + 2, starts, at + 1, parts - at - 2);
                Array.Copy(ranks, at + 2, ranks, at + 1, parts - at - 2);
                parts--;
                ranks[at] = at + 2 < parts ? Rank(bytes, starts[at], starts[at + 2] - starts[at]) : int.MaxValue;
                if (at > 0) ranks[at - 1] = Rank(bytes, starts[at - 1], starts[at + 1] - starts[at - 1]);
            }
            return parts - 1;
        }
    }
}
