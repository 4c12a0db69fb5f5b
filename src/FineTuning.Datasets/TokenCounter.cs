using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
    public sealed class TokenCounter
    {
        public const string O200kBase = "o200k_base";
        public const string Cl100kBase = "cl100k_base";

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

        public static TokenCounter ForEncoding(string encodingName)
        {
            if (encodingName != O200kBase && encodingName != Cl100kBase)
                throw new ArgumentException($"Unknown encoding '{encodingName}'. Known: {O200kBase}, {Cl100kBase}.", nameof(encodingName));
            return Cache.GetOrAdd(encodingName, n => new Lazy<TokenCounter>(() => Create(n))).Value;
        }

        private static TokenCounter Create(string encodingName)
        {
            // The library's ready-made tokenizer knows the encoding's special tokens, and text such as
            // "<|endoftext|>" then counts as one token or as several depending on what its cache holds.
            // A dataset's text is ordinary text (tiktoken's encode_ordinary), so this builds the same
            // tokenizer from the same vocabulary and split pattern, with no special tokens at all.
            var standard = TiktokenTokenizer.CreateForEncoding(encodingName);
            var pattern = SplitPattern(standard.PreTokenizer, encodingName);
            var resource = encodingName + ".tiktoken.deflate";
            var dataAssembly = Assembly.Load(new AssemblyName(encodingName == O200kBase
                ? "Microsoft.ML.Tokenizers.Data.O200kBase"
                : "Microsoft.ML.Tokenizers.Data.Cl100kBase"));
            using (var compressed = dataAssembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The vocabulary '{resource}' is missing from {dataAssembly.GetName().Name}."))
            using (var vocabulary = new DeflateStream(compressed, CompressionMode.Decompress))
            {
                var ordinary = TiktokenTokenizer.Create(vocabulary, new RegexPreTokenizer(pattern, null), null, null, 65536);
                return new TokenCounter(encodingName, ordinary);
            }
        }

        private static Regex SplitPattern(PreTokenizer? preTokenizer, string encodingName)
        {
            var field = typeof(RegexPreTokenizer).GetField("_regex", BindingFlags.NonPublic | BindingFlags.Instance);
            if (preTokenizer is RegexPreTokenizer && field?.GetValue(preTokenizer) is Regex regex) return regex;
            // The published tiktoken split patterns, should the library ever hide its own.
            return new Regex(encodingName == O200kBase ? O200kPattern : Cl100kPattern, RegexOptions.Compiled);
        }

        private const string Cl100kPattern =
            @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

        private const string O200kPattern =
            @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|" +
            @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|" +
            @"\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

        /// <summary>Number of tokens in the text, special-token text counted as ordinary text.</summary>
        public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.CountTokens(text!);

        /// <summary>Token ids of the text, special-token text encoded as ordinary text.</summary>
        public IReadOnlyList<int> Encode(string? text) =>
            string.IsNullOrEmpty(text) ? Array.Empty<int>() : _tokenizer.EncodeToIds(text!);
    }
}
