using System;
using System.Globalization;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// A request body as it comes off the socket, framed by its Content-Length or by chunked transfer coding (sizes in hex,
    /// then trailers up to an empty line, within the header limit), read through the connection's buffer within the body's
    /// idle time and minimum rate. The size limit is counted by the caller (<see cref="EdgePipeline.ReadBodyAsync"/>).
    /// </summary>
    internal static class RequestBody
    {
        /// <summary>The body's bytes, in order, as a <see cref="BodyRead"/> that answers 0 at its end.</summary>
        /// <exception cref="TimeoutException">(from the read) The body stalled or trickled below the minimum rate.</exception>
        /// <exception cref="FormatException">(from the read) The chunked framing is malformed.</exception>
        public static BodyRead Reader(ConnectionReader reader, long? length, bool chunked) =>
            chunked ? (BodyRead)new ChunkedBody(reader).ReadAsync : new LengthBody(reader, length!.Value).ReadAsync;

        /// <summary>Reads and drops up to <paramref name="limit"/> bytes of a body, within its deadlines; any failure just ends it.</summary>
        public static async Task DropAsync(BodyRead body, long limit)
        {
            var scratch = new byte[64 * 1024];
            long dropped = 0;
            try
            {
                while (dropped < limit)
                {
                    var n = await body(scratch, 0, (int)Math.Min(scratch.Length, limit - dropped)).ConfigureAwait(false);
                    if (n <= 0) return;
                    dropped += n;
                }
            }
            catch (Exception)
            {
                // A stall, a trickle, a malformed chunk or a client gone: the connection closes all the same.
            }
        }

        private sealed class LengthBody
        {
            private readonly ConnectionReader _reader;
            private readonly BodyClock _clock;
            private long _remaining;

            public LengthBody(ConnectionReader reader, long length)
            {
                _reader = reader;
                _remaining = length;
                _clock = new BodyClock(reader.Limits);
            }

            public async Task<int> ReadAsync(byte[] buffer, int offset, int count)
            {
                if (_remaining == 0) return 0;
                var n = await _reader.ReadBodyBytesAsync(buffer, offset, (int)Math.Min(count, _remaining), _clock).ConfigureAwait(false);
                _remaining -= n;
                return n;
            }
        }

        private sealed class ChunkedBody
        {
            private readonly ConnectionReader _reader;
            private readonly BodyClock _clock;
            private long _chunkLeft;
            private bool _done;

            public ChunkedBody(ConnectionReader reader)
            {
                _reader = reader;
                _clock = new BodyClock(reader.Limits);
            }

            public async Task<int> ReadAsync(byte[] buffer, int offset, int count)
            {
                if (_done) return 0;
                if (_chunkLeft == 0)
                {
                    var line = await _reader.ReadLineAsync(1024, _clock).ConfigureAwait(false);
                    var semicolon = line.IndexOf(';');
                    var size = (semicolon < 0 ? line : line.Substring(0, semicolon)).Trim();
                    if (size.Length == 0 || size.Length > 15 || !long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _chunkLeft))
                        throw new FormatException($"'{size}' is not a chunk size.");
                    if (_chunkLeft == 0)
                    {
                        // Trailers, up to the empty line, within the header limit.
                        var trailers = 0;
                        while (true)
                        {
                            var trailer = await _reader.ReadLineAsync(_reader.Limits.MaxHeaderBytes, _clock).ConfigureAwait(false);
                            trailers += trailer.Length + 2;
                            if (trailers > _reader.Limits.MaxHeaderBytes) throw new FormatException("the trailers are too long.");
                            if (trailer.Length == 0) break;
                        }
                        _done = true;
                        return 0;
                    }
                }
                var n = await _reader.ReadBodyBytesAsync(buffer, offset, (int)Math.Min(count, _chunkLeft), _clock).ConfigureAwait(false);
                _chunkLeft -= n;
                if (_chunkLeft == 0)
                {
                    var end = await _reader.ReadLineAsync(2, _clock).ConfigureAwait(false);
                    if (end.Length != 0) throw new FormatException("a chunk does not end with a line break.");
                }
                return n;
            }
        }
    }
}
