using System.Text;
using System.Threading;
using FineTuning.Datasets;
using Xunit;

namespace FineTuning.Datasets.Tests;

[CollectionDefinition("Memory", DisableParallelization = true)]
public class MemoryCollection { }

/// <summary>A stream of <paramref name="lineBytes"/> 'a' bytes (no line break), then a newline and the tail text.</summary>
internal sealed class LongLineStream : Stream
{
    private readonly long _lineBytes;
    private readonly byte[] _tail;
    private long _pos;

    public LongLineStream(long lineBytes, string tail) { _lineBytes = lineBytes; _tail = Encoding.UTF8.GetBytes("\n" + tail); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_pos < _lineBytes)
        {
            int n = (int)Math.Min(count, _lineBytes - _pos);
            buffer.AsSpan(offset, n).Fill((byte)'a');
            _pos += n;
            return n;
        }
        long t = _pos - _lineBytes;
        if (t >= _tail.Length) return 0;
        int m = (int)Math.Min(count, _tail.Length - t);
        Array.Copy(_tail, t, buffer, offset, m);
        _pos += m;
        return m;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _pos; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

[Collection("Memory")]
public class ReaderTests
{
    private static string ValidChat => File.ReadAllText(TestData.Path("valid", "chat.jsonl"));

    [Fact]
    public void A_2GB_single_line_is_reported_and_skipped_without_being_held_in_memory()
    {
        const long lineBytes = (2L << 30) + 12345; // past int.MaxValue
        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var progress = new List<long>();
        var report = DatasetValidator.Validate(new LongLineStream(lineBytes, ValidChat), "long.jsonl",
            bytesRead: new SyncProgress(progress.Add));

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingCodes.LineTooLong, finding.Code);
        Assert.Equal(1, finding.LineNumber);
        Assert.Contains(lineBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), finding.Message);
        Assert.Equal(13, report.Examples);
        Assert.Equal(12, report.ValidExamples);
        Assert.Equal(lineBytes + 1 + Encoding.UTF8.GetByteCount(ValidChat), report.Bytes);
        Assert.Equal(report.Bytes, progress[^1]);
        // The line is at most MaxLineBytes in memory (64 MB buffer plus the doubling steps before it).
        Assert.True(allocated < 400L << 20, $"allocated {allocated >> 20} MB");
    }

    [Fact]
    public void Line_numbers_and_counts_are_exact_across_blocks_threads_and_line_endings()
    {
        var lines = File.ReadAllLines(TestData.Path("valid", "chat.jsonl"));
        var sb = new StringBuilder();
        const int total = 30000; // several 1 MB blocks
        for (int i = 0; i < total; i++)
        {
            if (i == 4320) sb.Append("{\"messages\": [}");
            else if (i == 29998) sb.Append("[1, 2]");
            else sb.Append(lines[i % lines.Length].Replace("question ", "question " + i + " "));
            sb.Append(i % 3 == 0 ? "\r\n" : "\n");
        }
        var text = sb.ToString().TrimEnd('\n', '\r'); // no newline after the last line
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.True(bytes.Length > 3 * DatasetValidator.BlockBytes);

        DatasetReport Run(int threads) =>
            DatasetValidator.Validate(new MemoryStream(bytes), "big.jsonl", new DatasetValidationOptions { Parallelism = threads });

        var one = Run(1);
        var two = Run(2);
        foreach (var r in new[] { one, two })
        {
            Assert.Equal(total, r.Examples);
            Assert.Equal(total - 2, r.ValidExamples);
            Assert.Equal(new long[] { 4321, 29999 }, r.Findings.Select(f => f.LineNumber).ToArray());
            Assert.Equal(new[] { FindingCodes.InvalidJson, FindingCodes.NotAnObject }, r.Findings.Select(f => f.Code).ToArray());
            Assert.Equal(bytes.Length, r.Bytes);
        }
        Assert.Equal(one.Tokens.Total, two.Tokens.Total);
        Assert.Equal(one.Tokens.TargetTokens, two.Tokens.TargetTokens);
        Assert.Equal(one.Tokens.P90, two.Tokens.P90);
        Assert.Equal(1, one.AutoEpochs); // 30000 x 3 > 25000
    }

    [Theory]
    [InlineData(64 * 1024, 3_000_000)]   // skipped by the reader, spanning blocks
    [InlineData(64 * 1024, 100_000)]     // inside one block: rejected by the worker
    [InlineData(4 << 20, 5_000_000)]     // after the block has grown past the pool size
    public void An_overlong_line_in_the_middle_keeps_later_line_numbers_right(int maxLine, int longBytes)
    {
        var lines = File.ReadAllLines(TestData.Path("valid", "chat.jsonl"));
        var text = string.Join("\n", lines.Take(4)) + "\n" + "{\"messages\": \"" + new string('x', longBytes) + "\"}\n" +
                   string.Join("\n", lines.Skip(4)) + "\n{\"bad\": 1}\n";
        var bytes = Encoding.UTF8.GetBytes("\uFEFF" + text);
        var report = DatasetValidator.Validate(new MemoryStream(bytes), "x", new DatasetValidationOptions { MaxLineBytes = maxLine });
        Assert.Equal(
            new[] { (1L, FindingCodes.ByteOrderMark), (5L, FindingCodes.LineTooLong), (14L, FindingCodes.MissingMessages) },
            report.Findings.Select(f => (f.LineNumber, f.Code)).ToArray());
        Assert.Contains((longBytes + 16).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), report.Findings[1].Message);
        Assert.Equal(14, report.Examples);
        Assert.Equal(bytes.Length, report.Bytes);
    }

    [Fact]
    public void Missing_file_and_directory_raise_clear_exceptions()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dataset-" + Guid.NewGuid() + ".jsonl");
        var ex = Assert.Throws<FileNotFoundException>(() => DatasetValidator.Validate(missing));
        Assert.Contains(missing, ex.Message);
        var dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var ex2 = Assert.Throws<UnauthorizedAccessException>(() => DatasetValidator.Validate(dir));
            Assert.Contains("is a directory", ex2.Message);
        }
        finally { Directory.Delete(dir); }
    }

    [Fact]
    public void Utf16_text_is_reported_as_not_utf8()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(ValidChat)).ToArray();
        var report = DatasetValidator.Validate(new MemoryStream(bytes), "utf16.jsonl");
        var f = Assert.Single(report.Findings);
        Assert.Equal(FindingCodes.NotUtf8, f.Code);
        Assert.Equal(0, f.LineNumber);
        Assert.Contains("UTF-16", f.Message);
    }

    [Fact]
    public void Cancellation_stops_the_pass_and_its_threads()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(ValidChat)), "x", ct: cts.Token));

        using var cts2 = new CancellationTokenSource();
        var stream = new LongLineStream(0, string.Concat(Enumerable.Repeat(ValidChat, 3000)));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DatasetValidator.Validate(stream, "x", bytesRead: new SyncProgress(_ => cts2.Cancel()), ct: cts2.Token));
    }

    [Fact]
    public void MaxFindings_caps_the_list_but_not_the_counts()
    {
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => "{\"prompt\": " + i + "}\n"));
        var report = DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(text)), "x", new DatasetValidationOptions { MaxFindings = 5 });
        Assert.Equal(5, report.Findings.Count);
        Assert.True(report.FindingsTruncated);
        Assert.Equal(100, report.FindingCounts[FindingCodes.InvalidPromptCompletion]); // wrong type + missing completion
        Assert.Equal(100, report.ErrorCount);
        Assert.Equal(50, report.InvalidExamples);
    }

    [Fact]
    public void Read_errors_propagate()
    {
        // The stream fails only after the validator is waiting for blocks, when its failure also cancels that wait:
        // the read error must still be what the caller sees. Repeated, since the two race.
        for (int i = 0; i < 20; i++)
        {
            var ex = Assert.Throws<IOException>(() => DatasetValidator.Validate(new FailingStream(), "x"));
            Assert.Equal("disk gone", ex.Message);
        }
    }

    [Fact]
    public void Special_token_text_in_data_counts_as_ordinary_text()
    {
        var line = "{\"messages\": [{\"role\": \"user\", \"content\": \"a <|endoftext|>\"}, {\"role\": \"assistant\", \"content\": \"<|endoftext|>\"}]}\n";
        var report = DatasetValidator.Validate(new MemoryStream(Encoding.UTF8.GetBytes(line)), "x", new DatasetValidationOptions { Model = "gpt-4o" });
        var c = TokenCounter.ForEncoding(TokenCounter.O200kBase);
        // 2 messages x (3 + role) + contents + 3 for the reply
        int expected = 2 * 3 + c.Count("user") + c.Count("assistant") + 8 + 7 + 3; // 8 and 7 from token-counts.json
        Assert.Equal(expected, report.Tokens.Total);
        Assert.Equal(7, report.Tokens.TargetTokens);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            Thread.Sleep(20);
            throw new IOException("disk gone");
        }
    }

    private sealed class SyncProgress : IProgress<long>
    {
        private readonly Action<long> _a;
        public SyncProgress(Action<long> a) { _a = a; }
        public void Report(long value) => _a(value);
    }
}

/// <summary>A file refused unread (binary, UTF-16) still reports its whole size.</summary>
public class RefusedFileSizeTests
{
    [Fact]
    public void A_10_MB_binary_file_reports_its_real_size()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".jsonl");
        var bytes = new byte[10_485_760];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0;
        File.WriteAllBytes(path, bytes);
        try
        {
            var report = DatasetValidator.Validate(path);
            Assert.Contains(report.Findings, f => f.Code == FindingCodes.BinaryFile);
            Assert.Equal(10_485_760, report.Bytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_binary_stream_that_cannot_seek_is_counted_to_its_end()
    {
        var bytes = new byte[3 * 1024 * 1024 + 17];
        using var stream = new NonSeekable(new MemoryStream(bytes));
        var report = DatasetValidator.Validate(stream, "piped");
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.BinaryFile);
        Assert.Equal(bytes.Length, report.Bytes);
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
