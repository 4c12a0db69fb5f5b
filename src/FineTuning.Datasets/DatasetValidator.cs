using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Datasets
{
    /// <summary>
    /// Validates a JSONL training file and counts its tokens in one streaming pass with bounded memory.
    /// </summary>
    /// <remarks>
    /// <para>Reading: a reader thread fills blocks of about 1 MB ending at a line break; worker threads
    /// (two by default) split, parse (<see cref="System.Text.Json.JsonDocument"/>) and count tokens; the
    /// calling thread merges the blocks in file order, so findings are in line order and progress is
    /// reported on the caller's thread. Lines are never kept: duplicates are found by fingerprints
    /// of each line with the blanks between JSON tokens removed, and the token percentiles come from a
    /// histogram. Memory grows only by 12 to 24 bytes per example.</para>
    /// <para>Token counting (the OpenAI cookbook's rule for chat files): each message costs 3 tokens plus
    /// the tokens of its role, content and name (+1 when a name is present), tool_call_id, and of its
    /// tool or function calls (name + arguments); every example adds 3 tokens for the primed reply.
    /// Tool and function definitions add the tokens of their JSON text. Image parts are not counted.
    /// Prompt/completion examples count prompt + completion. Preference examples count input messages
    /// and both outputs with the chat rule. Trained tokens are the assistant messages with weight 1
    /// (content + calls), the completion, or both preference outputs; 0 for reinforcement.</para>
    /// <para>Errors: a missing file raises <see cref="FileNotFoundException"/>, a directory
    /// <see cref="UnauthorizedAccessException"/> naming it, other I/O failures propagate. Everything about the
    /// content (empty, binary, not UTF-8, overlong lines...) is a finding, never an exception.</para>
    /// </remarks>
    public static class DatasetValidator
    {
        /// <summary>The fewest examples a training file may hold (the TooFewExamples rule; the emulator fails a job by it too).</summary>
        public const int MinimumExamples = 10;

        internal const int BlockBytes = 1 << 20;
        private const int SniffBytes = 8192;
        private const int PooledMax = 4 << 20;
        private static readonly ArrayPool<byte> SmallPool = ArrayPool<byte>.Create(PooledMax, 16);

        /// <summary>Blocks up to 4 MB come from a pool; bigger ones (long lines) are allocated at their exact
        /// size so that a 64 MB line does not cost a 128 MB power-of-two array.</summary>
        internal static byte[] Rent(int size) => size <= PooledMax ? SmallPool.Rent(size) : new byte[size];

        internal static void Return(byte[] array)
        {
            if (array.Length <= PooledMax) SmallPool.Return(array);
        }

        public static DatasetReport Validate(string path, DatasetValidationOptions? options = null,
            IProgress<long>? bytesRead = null, CancellationToken ct = default)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
                throw new UnauthorizedAccessException($"'{full}' is a directory, not a dataset file. Give the path of a .jsonl file.");
            if (!File.Exists(full))
                throw new FileNotFoundException($"The dataset file '{full}' does not exist.", full);
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            return Validate(stream, full, options, bytesRead, ct);
        }

        public static DatasetReport Validate(Stream stream, string displayPath, DatasetValidationOptions? options = null,
            IProgress<long>? bytesRead = null, CancellationToken ct = default)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            options ??= new DatasetValidationOptions();
            if (options.MaxLineBytes < 16) throw new ArgumentOutOfRangeException(nameof(options), "MaxLineBytes must be at least 16.");
            if (options.PricePerMillionTokens < 0) throw new ArgumentOutOfRangeException(nameof(options), "PricePerMillionTokens cannot be negative.");
            var sw = Stopwatch.StartNew();
            var encoding = TokenCounter.EncodingForModel(options.Model);
            var agg = new Aggregator(displayPath, options, encoding);

            int workers = Math.Max(1, options.Parallelism ?? Math.Min(2, Environment.ProcessorCount));
            // A file that fits in one block keeps one worker busy at most: spare the other thread.
            if (options.Parallelism == null && stream.CanSeek && stream.Length - stream.Position <= BlockBytes) workers = 1;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var token = cts.Token;
            using var slots = new SemaphoreSlim(workers * 2 + 2);
            var work = new BlockingCollection<Block>();
            var ordered = new BlockingCollection<Block>();
            ExceptionDispatchInfo? failure = null;

            var readerTask = Task.Factory.StartNew(() =>
            {
                try { Read(stream, options.MaxLineBytes, agg, slots, work, ordered, token); }
                catch (OperationCanceledException) when (token.IsCancellationRequested) { }
                catch (Exception ex) { failure ??= ExceptionDispatchInfo.Capture(ex); cts.Cancel(); }
                finally { work.CompleteAdding(); ordered.CompleteAdding(); }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            var workerTasks = new Task[workers];
            for (int w = 0; w < workers; w++)
            {
                workerTasks[w] = Task.Factory.StartNew(() =>
                {
                    var checker = new LineChecker(TokenCounter.ForEncoding(encoding));
                    foreach (var block in work.GetConsumingEnumerable())
                    {
                        try { if (!token.IsCancellationRequested) block.Process(checker); }
                        catch (Exception ex) { block.Failure = ExceptionDispatchInfo.Capture(ex); }
                        finally { block.Done.Set(); }
                    }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }

            try
            {
                foreach (var block in ordered.GetConsumingEnumerable(token))
                {
                    block.Done.Wait(token);
                    block.Failure?.Throw();
                    agg.Merge(block);
                    block.Release();
                    slots.Release();
                    bytesRead?.Report(block.EndOffset);
                }
            }
            catch (OperationCanceledException) when (failure != null && !ct.IsCancellationRequested)
            {
                // The reader failed and cancelled the rest; its own error is thrown below, not this cancellation.
            }
            finally
            {
                cts.Cancel();
                work.CompleteAdding();
                try { Task.WaitAll(workerTasks); } catch (AggregateException) { }
                try { readerTask.Wait(); } catch (AggregateException) { }
                while (ordered.TryTake(out var b)) b.Release();
                work.Dispose(); ordered.Dispose();
            }
            ct.ThrowIfCancellationRequested();
            failure?.Throw();

            var report = agg.Finish();
            report.Elapsed = sw.Elapsed;
            return report;
        }

        /// <summary>
        /// Per-example token limit of a model's training context. gpt-4o and gpt-4o-mini: 65,536;
        /// gpt-3.5-turbo-0125/1106: 16,385; gpt-3.5-turbo-0613: 4,096 (documented). gpt-4-0613: 8,192 and
        /// babbage-002/davinci-002: 16,384 (their context windows). Other and unknown models: 65,536.
        /// </summary>
        public static int DefaultTokenLimit(string? model)
        {
            var m = (model ?? string.Empty).Trim().ToLowerInvariant();
            if (m.StartsWith("ft:", StringComparison.Ordinal))
            {
                var parts = m.Split(':');
                if (parts.Length > 1) m = parts[1];
            }
            if (m.StartsWith("gpt-3.5-turbo", StringComparison.Ordinal) || m.StartsWith("gpt-35-turbo", StringComparison.Ordinal))
                return m.EndsWith("0613", StringComparison.Ordinal) ? 4096 : 16385;
            if (m == "gpt-4" || m.StartsWith("gpt-4-0", StringComparison.Ordinal)) return 8192;
            if (m.StartsWith("babbage-002", StringComparison.Ordinal) || m.StartsWith("davinci-002", StringComparison.Ordinal)) return 16384;
            return 65536;
        }

        // ---- reader -------------------------------------------------------------------------------

        private static void Read(Stream stream, int maxLine, Aggregator agg, SemaphoreSlim slots,
            BlockingCollection<Block> work, BlockingCollection<Block> ordered, CancellationToken token)
        {
            long offset = 0;
            int cap = BlockBytes;
            byte[] buf = Rent(cap);
            int len = 0;
            bool eof = false, first = true, bom = false;
            int startAt = 0;
            try
            {
                while (true)
                {
                    token.ThrowIfCancellationRequested();
                    while (len < cap && !eof)
                    {
                        int n = stream.Read(buf, len, cap - len);
                        if (n <= 0) eof = true; else { len += n; offset += n; }
                    }

                    if (first)
                    {
                        first = false;
                        var kind = Sniff(buf, len, out bom);
                        if (kind != null)
                        {
                            // The file is not read as JSONL, but its size is reported whole.
                            agg.FileProblem = kind;
                            offset += Remaining(stream, buf, token);
                            return;
                        }
                        if (bom) startAt = 3;
                    }

                    if (eof)
                    {
                        if (len > startAt) Emit(new Block(buf, startAt, len - startAt, true, offset, bom && startAt == 3), maxLine, slots, work, ordered, token);
                        else Return(buf);
                        buf = null!;
                        return;
                    }

                    int last = LastIndexOf(buf, startAt, len - startAt, (byte)'\n');
                    if (last >= 0)
                    {
                        int tail = len - last - 1;
                        int nextCap = Math.Max(tail + 1, Math.Max(BlockBytes, (int)Math.Min((long)maxLine + 1, 2L * tail)));
                        var next = Rent(nextCap);
                        Buffer.BlockCopy(buf, last + 1, next, 0, tail);
                        Emit(new Block(buf, startAt, last + 1 - startAt, false, offset - tail, bom && startAt == 3), maxLine, slots, work, ordered, token);
                        buf = next; cap = nextCap; len = tail; startAt = 0;
                        continue;
                    }

                    if (len - startAt > maxLine)
                    {
                        // The partial line is already over the limit: report it and skip to the next line break
                        // without holding any more of it.
                        long lineBytes = len - startAt;
                        int tail = -1;
                        while (tail < 0)
                        {
                            token.ThrowIfCancellationRequested();
                            int n = stream.Read(buf, 0, buf.Length);
                            if (n <= 0) { eof = true; tail = 0; len = 0; break; }
                            offset += n;
                            int nl = Array.IndexOf(buf, (byte)'\n', 0, n);
                            if (nl < 0) { lineBytes += n; continue; }
                            lineBytes += nl;
                            tail = n - nl - 1;
                            Buffer.BlockCopy(buf, nl + 1, buf, 0, tail);
                            len = tail;
                        }
                        Emit(Block.TooLong(lineBytes, offset - len, bom && startAt == 3), maxLine, slots, work, ordered, token);
                        startAt = 0;
                        if (buf.Length > BlockBytes * 2 && len <= BlockBytes)
                        {
                            var small = Rent(BlockBytes);
                            Buffer.BlockCopy(buf, 0, small, 0, len);
                            Return(buf);
                            buf = small;
                        }
                        cap = buf.Length;
                        if (eof)
                        {
                            Return(buf); buf = null!;
                            return;
                        }
                        continue;
                    }

                    // A line longer than the block: grow the block (up to the line limit + 1).
                    int grown = (int)Math.Min((long)maxLine + 1 + startAt, (long)cap * 2);
                    var bigger = Rent(grown);
                    Buffer.BlockCopy(buf, 0, bigger, 0, len);
                    Return(buf);
                    buf = bigger; cap = grown;
                }
            }
            finally
            {
                if (buf != null) Return(buf);
                agg.TotalBytes = offset;
            }
        }

        /// <summary>The bytes left in the stream: its length where it can tell, else counted by reading them (without keeping them).</summary>
        private static long Remaining(Stream stream, byte[] scratch, CancellationToken token)
        {
            if (stream.CanSeek)
            {
                try { return Math.Max(0, stream.Length - stream.Position); }
                catch (NotSupportedException) { }
            }
            long count = 0;
            int n;
            while ((n = stream.Read(scratch, 0, scratch.Length)) > 0)
            {
                token.ThrowIfCancellationRequested();
                count += n;
            }
            return count;
        }

        private static void Emit(Block block, int maxLine, SemaphoreSlim slots, BlockingCollection<Block> work, BlockingCollection<Block> ordered, CancellationToken token)
        {
            block.MaxLine = maxLine;
            slots.Wait(token);
            ordered.Add(block, token);
            work.Add(block, token);
        }

        /// <summary>Looks at the start of the file: UTF-16/32 text, binary content, byte-order mark.</summary>
        private static string? Sniff(byte[] buf, int len, out bool bom)
        {
            bom = len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF;
            if (len >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) || (buf[0] == 0xFE && buf[1] == 0xFF)))
                return FindingCodes.NotUtf8;
            int n = Math.Min(len, SniffBytes);
            if (Array.IndexOf(buf, (byte)0, 0, n) >= 0) return FindingCodes.BinaryFile;
            return null;
        }

        private static int LastIndexOf(byte[] buf, int start, int count, byte value)
        {
            return ((ReadOnlySpan<byte>)buf.AsSpan(start, count)).LastIndexOf(value) is int i && i >= 0 ? i + start : -1;
        }

        // ---- blocks ---------------------------------------------------------------------------------

        internal sealed class Block
        {
            private byte[]? _data;
            private readonly int _start, _length;
            public readonly bool StartsAfterBom;
            public readonly long EndOffset;
            public readonly long TooLongBytes;
            public int MaxLine = int.MaxValue;
            public readonly ManualResetEventSlim Done = new ManualResetEventSlim(false);
            public ExceptionDispatchInfo? Failure;
            public readonly List<LineInfo> Lines = new List<LineInfo>();
            public readonly List<PendingFinding> Findings = new List<PendingFinding>();

            public Block(byte[] data, int start, int length, bool final, long endOffset, bool afterBom)
            {
                _data = data; _start = start; _length = length; EndOffset = endOffset; StartsAfterBom = afterBom;
            }

            private Block(long tooLong, long endOffset, bool afterBom)
            {
                TooLongBytes = tooLong; EndOffset = endOffset; StartsAfterBom = afterBom;
            }

            public static Block TooLong(long bytes, long endOffset, bool afterBom) => new Block(bytes, endOffset, afterBom);

            public void Process(LineChecker checker)
            {
                if (_data == null)
                {
                    Lines.Add(new LineInfo { Kind = LineKind.TooLong, TooLongBytes = TooLongBytes });
                    return;
                }
                var mem = new ReadOnlyMemory<byte>(_data, _start, _length);
                int pos = 0, local = 0;
                while (pos < _length)
                {
                    int nl = mem.Span.Slice(pos).IndexOf((byte)'\n');
                    int end = nl < 0 ? _length : pos + nl;
                    if (end - pos > MaxLine) Lines.Add(new LineInfo { Kind = LineKind.TooLong, TooLongBytes = end - pos });
                    else
                    {
                        var info = checker.Check(mem.Slice(pos, end - pos), local, StartsAfterBom && local == 0, Findings);
                        info.Offset = _start + pos;
                        info.Length = end > pos && mem.Span[end - 1] == (byte)'\r' ? end - pos - 1 : end - pos;
                        Lines.Add(info);
                    }
                    local++;
                    pos = end + 1;
                    if (nl < 0) break;
                }
            }

            /// <summary>The bytes of a line of this block (until <see cref="Release"/>).</summary>
            public ReadOnlyMemory<byte> LineBytes(LineInfo info) =>
                _data is null ? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(_data, info.Offset, info.Length);

            public void Release()
            {
                var d = Interlocked.Exchange(ref _data, null);
                if (d != null) DatasetValidator.Return(d);
                Done.Dispose();
            }
        }
    }
}
