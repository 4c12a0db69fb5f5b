using System;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The emulator's clock. Every time it reports is a wall-clock time: a running clock is the real time (plus whatever
    /// <see cref="Advance"/> added), and the time scale shortens the service's durations instead (<see cref="Scale"/>), so
    /// a job that takes ten minutes on the service ends a second later at a scale of 600 and says so in real times. A
    /// manual clock stands still at its start time until <see cref="Advance"/> moves it, and then moves every timestamp
    /// with it; its durations are the service's own, unscaled.
    /// </summary>
    public sealed class EmulatorClock
    {
        private readonly object _gate = new object();
        private readonly DateTimeOffset _origin;
        private readonly System.Diagnostics.Stopwatch _real = System.Diagnostics.Stopwatch.StartNew();
        private readonly double _scale;
        private readonly bool _manual;
        private TimeSpan _offset;

        /// <param name="scale">How many times faster than the service the emulator's jobs run.</param>
        /// <param name="manual">Time moves only through <see cref="Advance"/>.</param>
        /// <param name="savedNow">After a restart: the time the state was saved at; the clock never reads earlier.</param>
        /// <param name="savedOffset">After a restart: how far <see cref="Advance"/> had moved the clock.</param>
        internal EmulatorClock(double scale, bool manual, DateTimeOffset? savedNow = null, TimeSpan? savedOffset = null)
        {
            if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "TimeScale must be a positive number.");
            _scale = scale;
            _manual = manual;
            var start = DateTimeOffset.UtcNow;
            if (manual)
            {
                // A manual clock starts on a whole second, or where the saved state left it.
                _origin = savedNow?.ToUniversalTime() ?? new DateTimeOffset(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
                _offset = savedOffset ?? TimeSpan.Zero;
                if (savedNow.HasValue) _origin -= _offset;
            }
            else
            {
                _origin = start;
                _offset = savedOffset ?? TimeSpan.Zero;
                // The wall clock may have been set back while the emulator was stopped: time still never runs backwards.
                if (savedNow is DateTimeOffset saved && start + _offset < saved) _offset = saved - start;
            }
        }

        /// <summary>The current time: the wall clock's (plus advances), or a manual clock's.</summary>
        public DateTimeOffset Now
        {
            get
            {
                lock (_gate) return _origin + (_manual ? TimeSpan.Zero : _real.Elapsed) + _offset;
            }
        }

        /// <summary>How far <see cref="Advance"/> has moved the clock in all.</summary>
        public TimeSpan Offset
        {
            get { lock (_gate) return _offset; }
        }

        /// <summary>The time a duration of the service takes here: <paramref name="serviceDuration"/> divided by the time scale.</summary>
        public TimeSpan Scale(TimeSpan serviceDuration) =>
            _manual ? serviceDuration : TimeSpan.FromTicks((long)Math.Ceiling(serviceDuration.Ticks / _scale));

        /// <summary>Moves time forward; jobs catch up on their next use, and every later timestamp moves with it.</summary>
        public void Advance(TimeSpan by)
        {
            if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "The clock only moves forward.");
            lock (_gate) _offset += by;
            Advanced?.Invoke();
        }

        /// <summary>Called after every <see cref="Advance"/> (the emulator saves the clock's new position).</summary>
        internal Action? Advanced { get; set; }
    }
}
