using System.Text;
using System.Text.Json;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

public class TokenCounterTests
{
    public static IEnumerable<object[]> TableRows()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("token-counts.json")));
        foreach (var row in doc.RootElement.GetProperty("rows").EnumerateArray())
        {
            var text = row.GetProperty("text").GetString()!;
            yield return new object[] { TokenCounter.O200kBase, text, row.GetProperty("o200k_base").GetInt32() };
            yield return new object[] { TokenCounter.Cl100kBase, text, row.GetProperty("cl100k_base").GetInt32() };
        }
    }

    [Theory]
    [MemberData(nameof(TableRows))]
    public void Count_equals_tiktoken_encode_ordinary(string encoding, string text, int expected)
    {
        Assert.Equal(expected, TokenCounter.ForEncoding(encoding).Count(text));
        Assert.Equal(expected, TokenCounter.ForEncoding(encoding).Encode(text).Count);
    }

    [Fact]
    public void Table_texts_are_distinct_so_no_row_is_skipped()
    {
        // xunit silently skips theory rows with identical arguments; a repeated text would shrink the table.
        var texts = TableRows().Where(r => (string)r[0] == TokenCounter.O200kBase).Select(r => (string)r[1]).ToList();
        Assert.NotEmpty(texts);
        Assert.Equal(texts.Count, texts.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(TokenCounter.O200kBase)]
    [InlineData(TokenCounter.Cl100kBase)]
    public void Special_token_text_counts_the_same_before_and_after_cache_turnover(string encoding)
    {
        const string text = "a <|endoftext|>";
        var expected = TableCount(encoding, text);
        var counter = TokenCounter.CreateNew(encoding);
        Assert.Equal(expected, counter.Count(text));

        // Tens of thousands of distinct words push every earlier entry out of the tokenizer's cache.
        var rng = new Random(7);
        var sb = new StringBuilder();
        for (int i = 0; i < 60000; i++)
        {
            sb.Clear();
            for (int j = 0; j < 8; j++) sb.Append((char)('a' + rng.Next(26)));
            counter.Count(sb.ToString());
            if (i % 5000 == 0) Assert.Equal(expected, counter.Count(text));
        }
        Assert.Equal(expected, counter.Count(text));
        Assert.Equal(expected, counter.Count("a <|endoftext|>".AsSpan()));
    }

    [Theory]
    [InlineData(TokenCounter.O200kBase)]
    [InlineData(TokenCounter.Cl100kBase)]
    public void Count_equals_the_tokenizer_package_on_varied_random_text(string encoding)
    {
        // The count runs its own byte-pair merges; the package's tokenizer (which Encode uses) is the reference.
        // Random words from many scripts, digits, symbols, emoji and blanks: most pieces are new, so every one
        // goes through the merge, and through the piece cache the dataset check uses (which must agree too).
        var counter = TokenCounter.ForEncoding(encoding);
        var cache = new PieceCountCache();
        string[] alphabets =
        {
            "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "абвгдежзийклмнопрстуфхцчшщыьэюя",
            "αβγδεζηθικλμνξοπρστυφχψω", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह्ािीुे",
            "가나다라마바사아자차카타파하각난", "あいうえおかきくけこアイウエオ", "的一是不了人我在有他这中大来上国",
            " \t\n\r", ".,;:!?'\"-_/\\()[]{}<>|=+*&^%$#@~`", "éèêëàâäôöûüçñß", "\u0301\u0308",
        };
        string[] emoji = { "😀", "👍🏽", "👩‍💻", "🇫🇷", "❤️", "🚀" };
        var rng = new Random(4242);
        var sb = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            sb.Clear();
            int words = 1 + rng.Next(30);
            for (int w = 0; w < words; w++)
            {
                if (rng.Next(12) == 0) { sb.Append(emoji[rng.Next(emoji.Length)]); continue; }
                var letters = alphabets[rng.Next(alphabets.Length)];
                int n = 1 + rng.Next(14);
                for (int k = 0; k < n; k++) sb.Append(letters[rng.Next(letters.Length)]);
                if (rng.Next(3) > 0) sb.Append(' ');
            }
            var text = sb.ToString();
            int expected = counter.Encode(text).Count;
            Assert.Equal(expected, counter.Count(text));
            Assert.Equal(expected, counter.Count(text, cache));
            Assert.Equal(expected, counter.Count(text, cache));
        }
        Assert.True(cache.Entries > 1000);
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", TokenCounter.O200kBase)]
    [InlineData("gpt-4.1-nano-2025-04-14", TokenCounter.O200kBase)]
    [InlineData("o4-mini-2025-04-16", TokenCounter.O200kBase)]
    [InlineData("ft:gpt-4o-2024-08-06:org::abc12345", TokenCounter.O200kBase)]
    [InlineData("gpt-3.5-turbo-0125", TokenCounter.Cl100kBase)]
    [InlineData("gpt-4-0613", TokenCounter.Cl100kBase)]
    [InlineData("babbage-002", TokenCounter.Cl100kBase)]
    [InlineData("davinci-002", TokenCounter.Cl100kBase)]
    public void Encoding_follows_the_model_family(string model, string encoding) =>
        Assert.Equal(encoding, TokenCounter.EncodingForModel(model));

    private static int TableCount(string encoding, string text)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("token-counts.json")));
        foreach (var row in doc.RootElement.GetProperty("rows").EnumerateArray())
            if (row.GetProperty("text").GetString() == text) return row.GetProperty(encoding).GetInt32();
        throw new InvalidOperationException($"'{text}' is not in the table.");
    }
}
