using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace FineTuning.Datasets
{
    /// <summary>
    /// Counts tokens the way the service's models see them. One instance per encoding is shared;
    /// instances are safe to use from several threads.
    /// </summary>
    /// <remarks>
    /// Counting knows no special tokens, so text such as <c>&lt;|endoftext|&gt;</c> inside a dataset is split
    /// and counted as ordinary text, exactly like tiktoken's <c>encode_ordinary</c>. Text is split by the
    /// encoding's pattern and each piece merged by <see cref="BytePairCounter"/>; the Microsoft.ML.Tokenizers
    /// tokenizer (also without special tokens) is built only when ids are asked for (<see cref="Encode"/>).
    /// (A tokenizer made by <c>TiktokenTokenizer.CreateForEncoding</c> knows the special tokens, and its
    /// answer for such text changes once its cache has turned over.)
    /// The vocabulary comes from the Microsoft.ML.Tokenizers.Data.* packages: nothing is downloaded.
    /// </remarks>
    public sealed class TokenCounter
    {
        public const string O200kBase = "o200k_base";
        public const string Cl100kBase = "cl100k_base";

        // Split patterns of tiktoken's openai_public.py; possessive quantifiers of the originals are
        // written as atomic groups, which .NET's regex engine supports.
        internal const string Cl100kPattern =
            @"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s";
        internal const string O200kPattern =
            @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
            @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
            @"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

        private static readonly ConcurrentDictionary<string, Lazy<TokenCounter>> Cache =
            new ConcurrentDictionary<string, Lazy<TokenCounter>>(StringComparer.Ordinal);

        private readonly Regex _splitter;
        private readonly BytePairCounter _merges;
        private readonly Lazy<Tokenizer> _tokenizer;

        private TokenCounter(string encodingName, Regex splitter, BytePairCounter merges, Func<Tokenizer> tokenizer)
        {
            EncodingName = encodingName;
            _splitter = splitter;
            _merges = merges;
            _tokenizer = new Lazy<Tokenizer>(tokenizer);
        }

        /// <summary>The tiktoken encoding name, e.g. o200k_base.</summary>
        public string EncodingName { get; }

        /// <summary>The encoding a model family uses: o200k_base for gpt-4o, gpt-4.1 and the o-series; cl100k_base otherwise.</summary>
        public static string EncodingForModel(string? model)
        {
            var m = (model ?? string.Empty).Trim().ToLowerInvariant();
            if (m.StartsWith("ft:", StringComparison.Ordinal))
            {
                var parts = m.Split(':');
                m = parts.Length > 1 ? parts[1] : m;
            }
            if (m.StartsWith("gpt-4o", StringComparison.Ordinal) || m.StartsWith("gpt-4.1", StringComparison.Ordinal) ||
                m.StartsWith("gpt-4.5", StringComparison.Ordinal) || m.StartsWith("gpt-5", StringComparison.Ordinal) ||
                m.StartsWith("chatgpt-4o", StringComparison.Ordinal) ||
                (m.Length > 1 && m[0] == 'o' && char.IsDigit(m[1])))
            {
                return O200kBase;
            }
            if (m.Length == 0) return O200kBase;
            return Cl100kBase;
        }

        public static TokenCounter ForModel(string? model) => ForEncoding(EncodingForModel(model));

        /// <summary>The shared counter of an encoding (o200k_base or cl100k_base).</summary>
        public static TokenCounter ForEncoding(string encodingName)
        {
            if (encodingName != O200kBase && encodingName != Cl100kBase)
                throw new ArgumentException($"Unknown encoding '{encodingName}'. Known: {O200kBase}, {Cl100kBase}.", nameof(encodingName));
            return Cache.GetOrAdd(encodingName, n => new Lazy<TokenCounter>(() => CreateNew(n))).Value;
        }

        /// <summary>
        /// A new, unshared counter with its own copy of the vocabulary (about 8 MB, read in about 0.1 s).
        /// </summary>
        public static TokenCounter CreateNew(string encodingName)
        {
            string assemblyName, resource, pattern;
            switch (encodingName)
            {
                case O200kBase:
                    assemblyName = "Microsoft.ML.Tokenizers.Data.O200kBase"; resource = "o200k_base.tiktoken.deflate"; pattern = O200kPattern;
                    break;
                case Cl100kBase:
                    assemblyName = "Microsoft.ML.Tokenizers.Data.Cl100kBase"; resource = "cl100k_base.tiktoken.deflate"; pattern = Cl100kPattern;
                    break;
                default:
                    throw new ArgumentException($"Unknown encoding '{encodingName}'. Known: {O200kBase}, {Cl100kBase}.", nameof(encodingName));
            }

            var splitter = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
            BytePairCounter merges;
            using (var vocab = OpenVocabulary(assemblyName, resource)) merges = BytePairCounter.Load(vocab);
            return new TokenCounter(encodingName, splitter, merges, () =>
            {
                using var vocab = OpenVocabulary(assemblyName, resource);
                return TiktokenTokenizer.Create(vocab, new RegexPreTokenizer(splitter, specialTokens: null), normalizer: null, specialTokens: null, cacheSize: 16384);
            });
        }

        private static Stream OpenVocabulary(string assemblyName, string resource)
        {
            var assembly = Assembly.Load(new AssemblyName(assemblyName));
            var compressed = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The vocabulary '{resource}' is missing from {assemblyName}.");
            return new DeflateStream(compressed, CompressionMode.Decompress);
        }

        /// <summary>Number of tokens in the text, special-token text counted as ordinary text.</summary>
        public int Count(string? text)
        {
            if (string.IsNullOrEmpty(text)) return 0;
            int total = 0;
            for (var m = _splitter.Match(text); m.Success; m = m.NextMatch()) total += _merges.Count(text!, m.Index, m.Length);
            return total;
        }

        /// <summary>Number of tokens in the characters, special-token text counted as ordinary text.</summary>
        public int Count(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : Count(text.ToString());

        /// <summary>
        /// Number of tokens in the text, counted with a cache of piece counts owned by the calling thread. The
        /// text is split by the encoding's pattern (the same split the tokenizer makes), and each piece's count
        /// is looked up in <paramref name="pieces"/>; only pieces seen for the first time go through the
        /// byte-pair merges. The sum is the same as <see cref="Count(string)"/>.
        /// </summary>
        internal int Count(string text, PieceCountCache pieces)
        {
            if (text.Length == 0) return 0;
            int total = 0;
            for (var m = _splitter.Match(text); m.Success; m = m.NextMatch())
            {
                int index = m.Index, length = m.Length;
                if (length == 0) continue;
                int hash = PieceCountCache.Hash(text, index, length);
                int n = pieces.Find(text, index, length, hash);
                if (n < 0)
                {
                    n = _merges.Count(text, index, length);
                    pieces.Add(text, index, length, hash, n);
                }
                total += n;
            }
            return total;
        }

        /// <summary>Token ids of the text, special-token text encoded as ordinary text.</summary>
        public IReadOnlyList<int> Encode(string? text) =>
            string.IsNullOrEmpty(text) ? Array.Empty<int>() : _tokenizer.Value.EncodeToIds(text!);
    }

    /// <summary>
    /// Token counts of the pieces a text splits into, for one thread. Open addressing over a character arena:
    /// a lookup allocates nothing. It grows with use up to a fixed size (about 12 MB) and is emptied when full,
    /// so memory stays bounded however many distinct words a file holds.
    /// </summary>
    internal sealed class PieceCountCache
    {
        private const int MaxEntries = 1 << 18;
        private const int MaxArenaChars = 2 << 20;
        private const int MaxPieceChars = 64;

        private int[] _slots;           // entry index + 1, 0 when free
        private int[] _hashes = new int[1024];
        private int[] _starts = new int[1024];
        private int[] _lengths = new int[1024];
        private int[] _counts = new int[1024];
        private char[] _arena = new char[16384];
        private int _entries, _arenaUsed;

        public PieceCountCache() { _slots = new int[2048]; }

        public int Entries => _entries;

        public static int Hash(string text, int index, int length)
        {
            uint h = 2166136261;
            for (int i = index, end = index + length; i < end; i++) h = (h ^ text[i]) * 16777619;
            return (int)(h ^ (h >> 15));
        }

        /// <summary>The count of the piece, or -1 when it is not held.</summary>
        public int Find(string text, int index, int length, int hash)
        {
            if (length > MaxPieceChars) return -1;
            int mask = _slots.Length - 1;
            for (int s = hash & mask; ; s = (s + 1) & mask)
            {
                int e = _slots[s] - 1;
                if (e < 0) return -1;
                if (_hashes[e] == hash && _lengths[e] == length &&
                    text.AsSpan(index, length).SequenceEqual(new ReadOnlySpan<char>(_arena, _starts[e], length)))
                    return _counts[e];
            }
        }

        public void Add(string text, int index, int length, int hash, int count)
        {
            if (length > MaxPieceChars) return;
            if (_entries == MaxEntries || _arenaUsed + length > MaxArenaChars) Clear();
            if (_entries == _hashes.Length) GrowEntries();
            if (_arenaUsed + length > _arena.Length) Array.Resize(ref _arena, Math.Min(MaxArenaChars, Math.Max(_arena.Length * 2, _arenaUsed + length)));
            if ((_entries + 1) * 2 > _slots.Length) Rehash(_slots.Length * 2);
            int e = _entries++;
            text.CopyTo(index, _arena, _arenaUsed, length);
            _hashes[e] = hash; _starts[e] = _arenaUsed; _lengths[e] = length; _counts[e] = count;
            _arenaUsed += length;
            int mask = _slots.Length - 1;
            int s = hash & mask;
            while (_slots[s] != 0) s = (s + 1) & mask;
            _slots[s] = e + 1;
        }

        private void Clear()
        {
            Array.Clear(_slots, 0, _slots.Length);
            _entries = 0; _arenaUsed = 0;
        }

        private void GrowEntries()
        {
            int n = _hashes.Length * 2;
            Array.Resize(ref _hashes, n); Array.Resize(ref _starts, n); Array.Resize(ref _lengths, n); Array.Resize(ref _counts, n);
        }

        private void Rehash(int size)
        {
            var slots = new int[size];
            int mask = size - 1;
            for (int e = 0; e < _entries; e++)
            {
                int s = _hashes[e] & mask;
                while (slots[s] != 0) s = (s + 1) & mask;
                slots[s] = e + 1;
            }
            _slots = slots;
        }
    }
}
