using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FineTuning.Emulator.Tests;

/// <summary>The streaming multipart reader: parts come out whole however the bytes are cut, large ones on disk.</summary>
public class MultipartReaderTests
{
    private static BodyRead Dribble(byte[] body, int[] sizes)
    {
        var position = 0;
        var turn = 0;
        return (buffer, offset, count) =>
        {
            var n = Math.Min(Math.Min(count, sizes[turn++ % sizes.Length]), body.Length - position);
            Array.Copy(body, position, buffer, offset, n);
            position += n;
            return Task.FromResult(n);
        };
    }

    [Theory]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 3, 7, 1, 64 * 1024 })]
    [InlineData(new[] { 1 << 20 })]
    public async Task Parts_come_out_whole_however_the_body_arrives(int[] sizes)
    {
        var big = new byte[SpoolWriter.MemoryBytes + 12345];
        new Random(5).NextBytes(big);
        var head = Encoding.ASCII.GetBytes("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n" +
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes("\r\n--XyZ--\r\nepilogue");
        var body = head.Concat(big).Concat(tail).ToArray();
        var spool = Directory.CreateTempSubdirectory("ft-multipart-").FullName;
        try
        {
            var parts = await Multipart.ParseAsync(Dribble(body, sizes), "multipart/form-data; boundary=XyZ", () => spool);
            Assert.Equal(2, parts.Count);
            Assert.Equal("fine-tune", parts[0].Text());
            Assert.Equal("file", parts[1].Name);
            Assert.Equal("a b.jsonl", parts[1].FileName);
            Assert.True(parts[1].Content.OnDisk);
            Assert.Equal(big, parts[1].Content.ToArray());
            foreach (var part in parts) part.Dispose();
            Assert.Empty(Directory.GetFiles(spool));
        }
        finally
        {
            Directory.Delete(spool, true);
        }
    }

    [Theory]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", "not terminated")]
    [InlineData("no delimiter at all", "no parts")]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"a\"", "no end of headers")]
    public async Task A_broken_form_is_named(string text, string problem)
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() =>
            Multipart.ParseAsync(Dribble(Encoding.ASCII.GetBytes(text), new[] { 5 }), "multipart/form-data; boundary=XyZ", Path.GetTempPath));
        Assert.Contains(problem, ex.Message);
    }
}
