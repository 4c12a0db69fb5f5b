using System;
using System.Diagnostics;

namespace FineTuning.Emulator
{
    /// <summary>
    /// A request body's average rate: once the body has taken longer than <see cref="ServerLimits.BodyIdleTimeout"/>, a
    /// body slower than <see cref="ServerLimits.MinBodyBytesPerSecond"/> times out (a trickle holds no connection forever).
    /// </summary>
    internal sealed class BodyClock
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly ServerLimits _limits;
        private long _bytes;

        public BodyClock(ServerLimits limits)
        {
            _limits = limits;
        }

        /// <exception cref="TimeoutException">The body is past the grace time and below the minimum rate.</exception>
        public void Add(int bytes)
        {
            _bytes += bytes;
            var elapsed = _watch.Elapsed;
            if (_limits.MinBodyBytesPerSecond > 0 && elapsed > _limits.BodyIdleTimeout && _bytes < _limits.MinBodyBytesPerSecond * elapsed.TotalSeconds)
                throw new TimeoutException();
        }
    }
}
