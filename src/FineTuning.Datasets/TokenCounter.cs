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
    /// The tokenizer is built without any special tokens, so text such as <c>&lt;|endoftext|&gt;</c>
    /// inside a dataset is split and counted as ordinary text, exactly like tiktoken's
    /// <c>encode_ordinary</c>. (A tokenizer made by <c>TiktokenTokenizer.CreateForEncoding</c> knows the
    /// special tokens, and its answer for such text changes once its cache has turned over.)
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

        private readonly Tokenizer _tokenizer;

        private TokenCounter(string encodingName, Tokenizer tokenizer)
        {
            EncodingName = encodingName;
            _tokenizer = tokenizer;
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
        /// A new, unshared counter. Its tokenizer has its own cache, so a worker thread that owns one
        /// never contends with others.
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

            var assembly = Assembly.Load(new AssemblyName(assemblyName));
            using var compressed = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The vocabulary '{resource}' is missing from {assemblyName}.");
            using var vocab = new DeflateStream(compressed, CompressionMode.Decompress);
            var preTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant), specialTokens: null);
            var tokenizer = TiktokenTokenizer.Create(vocab, preTokenizer, normalizer: null, specialTokens: null, cacheSize: 16384);
            return new TokenCounter(encodingName, tokenizer);
        }

        /// <summary>Number of tokens in the text, special-token text counted as ordinary text.</summary>
        public int Count(string? text) =>
            string.IsNullOrEmpty(text) ? 0 : _tokenizer.CountTokens(text!, considerPreTokenization: true, considerNormalization: false);

        /// <summary>Number of tokens in the characters, special-token text counted as ordinary text.</summary>
        public int Count(ReadOnlySpan<char> text) =>
            text.IsEmpty ? 0 : _tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: false);

        /// <summary>Token ids of the text, special-token text encoded as ordinary text.</summary>
        public IReadOnlyList<int> Encode(string? text) =>
            string.IsNullOrEmpty(text) ? Array.Empty<int>() : _tokenizer.EncodeToIds(text!);
    }
}
