using System;
using System.Security.Cryptography;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The emulator's randomness (ids, seeds of jobs created without one) as a position in a fixed sequence: draw N
    /// is a hash of the seed and N. Saving the position with the state and restoring it on a restart with the same
    /// seed continues the sequence where it stopped, so a seeded emulator never hands out an id it gave before,
    /// and a run is repeatable whether or not it was restarted on the way.
    /// </summary>
    internal sealed class IdSource
    {
        private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        private readonly object _gate = new object();
        private readonly ulong _key;
        private long _position;

        /// <summary>A sequence from <paramref name="seed"/>, or from fresh randomness without one.</summary>
        public IdSource(int? seed)
        {
            Seed = seed;
            if (seed.HasValue)
            {
                _key = unchecked((ulong)seed.Value * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL;
            }
            else
            {
                var bytes = new byte[8];
                using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
                _key = BitConverter.ToUInt64(bytes, 0);
            }
        }

        /// <summary>The seed, or null when the sequence is unseeded (and so cannot be resumed).</summary>
        public int? Seed { get; }

        /// <summary>How many draws were made: what a restart with the same seed resumes from.</summary>
        public long Position
        {
            get { lock (_gate) return _position; }
        }

        /// <summary>Moves the sequence to a saved position (never backwards).</summary>
        public void Resume(long position)
        {
            lock (_gate)
            {
                if (position > _position) _position = position;
            }
        }

        /// <summary>A number from 0 to <paramref name="max"/> - 1.</summary>
        public int Next(int max)
        {
            if (max <= 0) throw new ArgumentOutOfRangeException(nameof(max), max, "max must be positive.");
            lock (_gate) return (int)(Draw() % (ulong)max);
        }

        /// <summary><paramref name="length"/> characters of A-Z, a-z and 0-9.</summary>
        public string Text(int length)
        {
            var chars = new char[length];
            lock (_gate)
            {
                for (var i = 0; i < length; i++) chars[i] = Alphanumeric[(int)(Draw() % (ulong)Alphanumeric.Length)];
            }
            return new string(chars);
        }

        /// <summary>
        /// A new id: <paramref name="prefix"/> and random text, drawn again while <paramref name="taken"/> says it is in use (an
        /// id stored by a run with another seed, say), so ids never repeat whatever the options.
        /// </summary>
        public string NewId(string prefix, int length, Func<string, bool>? taken = null)
        {
            while (true)
            {
                var id = prefix + Text(length);
                if (taken is null || !taken(id)) return id;
            }
        }

        // SplitMix64 of the key and the position: every draw independent, the sequence fixed by the seed.
        private ulong Draw()
        {
            var z = unchecked(_key + (ulong)(++_position) * 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }
    }
}
