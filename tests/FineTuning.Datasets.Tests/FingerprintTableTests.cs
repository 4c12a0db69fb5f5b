using System.Text;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

public class FingerprintTableTests
{
    [Fact]
    public void Finds_every_repeat_with_its_first_line_through_many_growths()
    {
        var table = new FingerprintTable();
        const int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            Assert.True(table.TryAdd(ByteTools.Fingerprint(Encoding.UTF8.GetBytes("line " + i)), i + 1, out _));
        }
        Assert.Equal(n, table.Count);
        for (int i = 0; i < n; i += 997)
        {
            Assert.False(table.TryAdd(ByteTools.Fingerprint(Encoding.UTF8.GetBytes("line " + i)), n + i, out var first));
            Assert.Equal(i + 1, first);
        }
        Assert.Equal(n, table.Count);
    }

    [Fact]
    public void Fingerprints_differ_for_lines_that_differ_in_one_byte_or_length()
    {
        var seen = new HashSet<(ulong, ulong)>();
        var bytes = new byte[64];
        for (int len = 0; len <= 64; len++)
            Assert.True(seen.Add(Key(bytes.AsSpan(0, len))));
        for (int pos = 0; pos < 64; pos++)
        {
            bytes[pos] = 1;
            Assert.True(seen.Add(Key(bytes)));
            bytes[pos] = 0;
        }
    }

    private static (ulong, ulong) Key(ReadOnlySpan<byte> b)
    {
        var f = ByteTools.Fingerprint(b);
        return (f.Low, f.High);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xC3, 0xA9 }, -1)]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, -1)]
    [InlineData(new byte[] { 0x61, 0xC0, 0x80 }, 1)]        // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 0)]        // surrogate
    [InlineData(new byte[] { 0x61, 0x62, 0xE2, 0x82 }, 2)]  // truncated
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, 0)]  // above U+10FFFF
    [InlineData(new byte[] { 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0xFF }, 9)]
    public void Utf8_check_points_at_the_first_bad_byte(byte[] data, int index) =>
        Assert.Equal(index, ByteTools.FirstInvalidUtf8(data));
}
