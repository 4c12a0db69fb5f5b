using System;

namespace FineTuning.Emulator
{
    /// <summary>
    /// What the emulator's HTTP edge accepts from one client, and how long it waits for it. Every request meets these
    /// limits before its key is checked (the line and headers) or before its body is read (the body), so a client
    /// without the key cannot make the emulator hold more than one request head, and a slow client holds only its
    /// own connection.
    /// </summary>
    public sealed class ServerLimits
    {
        /// <summary>The request line and headers together (bytes); larger heads are answered 431.</summary>
        public int MaxHeaderBytes { get; set; } = 32 * 1024;

        /// <summary>Headers in one request; more are answered 431.</summary>
        public int MaxHeaderCount { get; set; } = 100;

        /// <summary>
        /// A multipart body (a file upload or an upload part), in bytes: the Files API's 512 MB plus 1 MB for the form around
        /// it. A larger declared body is answered 413 before any of it is read.
        /// </summary>
        public long MaxBodyBytes { get; set; } = 513L * 1024 * 1024;

        /// <summary>Any other body (JSON), in bytes; it is held in memory, so it is kept small.</summary>
        public long MaxJsonBodyBytes { get; set; } = 16L * 1024 * 1024;

        /// <summary>Time for the request line and headers to arrive, from the connection or from the first byte of a later request.</summary>
        public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Longest wait for the next bytes of a body; a body that stalls longer is answered 408 and the connection closed.</summary>
        public TimeSpan BodyIdleTimeout { get; set; } = TimeSpan.FromSeconds(15);

        /// <summary>
        /// Slowest average rate of a body (bytes per second), enforced once a body has taken longer than <see cref="BodyIdleTimeout"/>;
        /// a trickle slower than this is answered 408. Zero turns the check off.
        /// </summary>
        public long MinBodyBytesPerSecond { get; set; } = 4096;

        /// <summary>
        /// How long an idle kept-alive connection waits for its next request before it is closed: longer than clients keep
        /// idle connections (.NET and most others: a minute or two), so a client never sends on a connection being closed.
        /// </summary>
        public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

        /// <summary>Longest wait for a client to take the next bytes of an answer before the connection is closed.</summary>
        public TimeSpan WriteIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Open connections at once; further ones are closed as soon as they are accepted.</summary>
        public int MaxConnections { get; set; } = 1000;

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit out of range; the listener calls it when it starts.</summary>
        public void Validate()
        {
            if (MaxHeaderBytes < 1024) throw new ArgumentOutOfRangeException(nameof(MaxHeaderBytes), MaxHeaderBytes, "MaxHeaderBytes must be at least 1024.");
            if (MaxHeaderCount < 8) throw new ArgumentOutOfRangeException(nameof(MaxHeaderCount), MaxHeaderCount, "MaxHeaderCount must be at least 8.");
            if (MaxBodyBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, "MaxBodyBytes must be positive.");
            if (MaxJsonBodyBytes < 1 || MaxJsonBodyBytes > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(MaxJsonBodyBytes), MaxJsonBodyBytes, "MaxJsonBodyBytes must be from 1 byte to 2 GB.");
            Positive(HeaderTimeout, nameof(HeaderTimeout));
            Positive(BodyIdleTimeout, nameof(BodyIdleTimeout));
            Positive(KeepAliveTimeout, nameof(KeepAliveTimeout));
            Positive(WriteIdleTimeout, nameof(WriteIdleTimeout));
            if (MinBodyBytesPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(MinBodyBytesPerSecond), MinBodyBytesPerSecond, "MinBodyBytesPerSecond cannot be negative.");
            if (MaxConnections < 1) throw new ArgumentOutOfRangeException(nameof(MaxConnections), MaxConnections, "MaxConnections must be at least 1.");
        }

        private static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1)) throw new ArgumentOutOfRangeException(name, value, name + " must be more than zero and at most a day.");
        }
    }
}
