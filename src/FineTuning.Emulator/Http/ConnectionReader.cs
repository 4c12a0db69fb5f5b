using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The read side of one connection: a buffer over the socket that every read goes through, each read with a deadline.
    /// It finds the next request's line and headers (within <see cref="ServerLimits.MaxHeaderBytes"/> and
    /// <see cref="ServerLimits.HeaderTimeout"/>, counted from the connection's accept for its first request), and hands out
    /// body bytes and the lines of chunked framing within the body's idle time and minimum rate (<see cref="BodyClock"/>).
    /// </summary>
    internal sealed class ConnectionReader
    {
        private static readonly byte[] HeadEnd = { (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n' };

        private readonly NetworkStream _stream;
        private readonly Stopwatch _sinceAccept = Stopwatch.StartNew();
        private readonly byte[] _buffer;
        private int _start;
        private int _end;

        public ConnectionReader(NetworkStream stream, ServerLimits limits)
        {
            _stream = stream;
            Limits = limits;
            _buffer = new byte[Math.Max(limits.MaxHeaderBytes + HeadEnd.Length, 16 * 1024)];
        }

        public ServerLimits Limits { get; }

        /// <summary>Reads into <paramref name="buffer"/>, or throws <see cref="TimeoutException"/> when nothing came within the time.</summary>
        public async Task<int> ReceiveAsync(byte[] buffer, int offset, int count, TimeSpan timeout)
        {
            if (timeout <= TimeSpan.Zero) throw new TimeoutException();
            var read = _stream.ReadAsync(buffer, offset, count);
            if (!read.IsCompleted)
            {
                using var cancel = new CancellationTokenSource();
                var delay = Task.Delay(timeout, cancel.Token);
                if (await Task.WhenAny(read, delay).ConfigureAwait(false) != read)
                {
                    // The read ends when the connection closes; its failure is expected and observed here.
                    _ = read.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                    throw new TimeoutException();
                }
                cancel.Cancel();
            }
            return await read.ConfigureAwait(false);
        }

        private void Compact()
        {
            if (_start == 0) return;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        /// <summary>More bytes into the connection's buffer; false when the client closed.</summary>
        private async Task<bool> FillAsync(TimeSpan timeout)
        {
            Compact();
            if (_end == _buffer.Length) throw new InvalidOperationException("The connection buffer is full.");
            var n = await ReceiveAsync(_buffer, _end, _buffer.Length - _end, timeout).ConfigureAwait(false);
            if (n <= 0) return false;
            _end += n;
            return true;
        }

        /// <summary>The next request's line and headers; null when the client closed or stayed idle (nothing to answer).</summary>
        /// <exception cref="TimeoutException">The line and headers began but did not end within the header time.</exception>
        /// <exception cref="EdgeRefusal">They are too long or malformed (<see cref="RequestHead.Parse"/>).</exception>
        public async Task<RequestHead?> ReadHeadAsync(bool first)
        {
            if (_start == _end)
            {
                var idle = first ? Limits.HeaderTimeout - _sinceAccept.Elapsed : Limits.KeepAliveTimeout;
                try
                {
                    if (!await FillAsync(idle).ConfigureAwait(false)) return null;
                }
                catch (TimeoutException)
                {
                    return null;
                }
            }
            // The first request's head is due within the header time of the connection; a later one's, of its first byte.
            var deadline = first ? Limits.HeaderTimeout : _sinceAccept.Elapsed + Limits.HeaderTimeout;
            var searched = _start;
            while (true)
            {
                // Line breaks before a request line are ignored.
                while (_end - _start >= 2 && _buffer[_start] == '\r' && _buffer[_start + 1] == '\n') _start += 2;
                var at = IndexOf(_buffer, HeadEnd, Math.Max(_start, searched - 3), _end);
                if (at >= 0)
                {
                    var head = RequestHead.Parse(_buffer, _start, at - _start, Limits.MaxHeaderCount);
                    _start = at + HeadEnd.Length;
                    return head;
                }
                if (_end - _start > Limits.MaxHeaderBytes)
                    throw new EdgeRefusal(431, $"The request line and headers are longer than {Limits.MaxHeaderBytes:N0} bytes.", null);
                searched = _end;
                var before = _start;
                if (!await FillAsync(deadline - _sinceAccept.Elapsed).ConfigureAwait(false))
                    throw new IOException("The client closed the connection in the middle of a request.");
                searched -= before - _start;
            }
        }

        private static int IndexOf(byte[] haystack, byte[] needle, int from, int end)
        {
            for (var i = Math.Max(from, 0); i <= end - needle.Length; i++)
            {
                var match = true;
                for (var j = 0; j < needle.Length; j++)
                {
                    if (haystack[i + j] != needle[j]) { match = false; break; }
                }
                if (match) return i;
            }
            return -1;
        }

        /// <summary>Body bytes: what is left in the buffer first, then the socket, within the body's idle and rate limits.</summary>
        public async Task<int> ReadBodyBytesAsync(byte[] buffer, int offset, int count, BodyClock clock)
        {
            if (count == 0) return 0;
            if (_start < _end)
            {
                var n = Math.Min(count, _end - _start);
                Buffer.BlockCopy(_buffer, _start, buffer, offset, n);
                _start += n;
                return n;
            }
            var read = await ReceiveAsync(buffer, offset, count, Limits.BodyIdleTimeout).ConfigureAwait(false);
            if (read <= 0) throw new IOException("The client closed the connection before the body ended.");
            clock.Add(read);
            return read;
        }

        /// <summary>A line of the chunked framing (size lines, trailers), without its CRLF.</summary>
        public async Task<string> ReadLineAsync(int max, BodyClock clock)
        {
            while (true)
            {
                for (var i = _start; i + 1 < _end; i++)
                {
                    if (_buffer[i] == '\r' && _buffer[i + 1] == '\n')
                    {
                        var line = Encoding.ASCII.GetString(_buffer, _start, i - _start);
                        _start = i + 2;
                        return line;
                    }
                }
                if (_end - _start > max) throw new FormatException($"a framing line is longer than {max} bytes.");
                Compact();
                var n = await ReceiveAsync(_buffer, _end, _buffer.Length - _end, Limits.BodyIdleTimeout).ConfigureAwait(false);
                if (n <= 0) throw new IOException("The client closed the connection before the body ended.");
                _end += n;
                clock.Add(n);
            }
        }
    }
}
