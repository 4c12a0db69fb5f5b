using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
            // TODO(datasets): special-token text must count as ordinary text (tiktoken encode_ordinary).
            var tokenizer = TiktokenTokenizer.CreateForEncoding(encodingName);
            return new TokenCounter(encodingName, tokenizer);
        }

        /// <summary>Number of tokens in the text, special-token text counted as ordinary text.</summary>
        public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.CountTokens(text!);

        /// <summary>Token ids of the text, special-token text encoded as ordinary text.</summary>
        public IReadOnlyList<int> Encode(string? text) =>
            string.IsNullOrEmpty(text) ? Array.Empty<int>() : _tokenizer.EncodeToIds(text!);
    }
}
