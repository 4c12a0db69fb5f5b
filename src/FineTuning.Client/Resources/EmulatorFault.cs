using System;

namespace FineTuning.Client
{
    /// <summary>
    /// A request fault for a FineTuning emulator: the next <see cref="Count"/> matching requests get this answer instead of
    /// the real one. The one shape for both sides: <see cref="EmulatorAdminClient.AddFaultAsync"/> sends it, the emulator
    /// keeps it.
    /// </summary>
    public sealed class EmulatorFault
    {
        /// <summary>HTTP method to match (GET, POST...), or null for any.</summary>
        public string? Method { get; set; }
        /// <summary>Path to match: text the request path contains, or a pattern with * wildcards; null for any.</summary>
        public string? Path { get; set; }
        /// <summary>How many requests the fault answers before it is used up.</summary>
        public int Count { get; set; } = 1;
        /// <summary>The status to answer with; 0 keeps the real answer (useful with Latency).</summary>
        public int StatusCode { get; set; } = 500;
        /// <summary>The body to send; null sends the service's error envelope for the status.</summary>
        public string? Body { get; set; }
        /// <summary>A Retry-After to send with the answer.</summary>
        public TimeSpan? RetryAfter { get; set; }
        /// <summary>Delay (real time) before answering.</summary>
        public TimeSpan? Latency { get; set; }
        /// <summary>Drop the connection instead of answering.</summary>
        public bool DropConnection { get; set; }
    }

    /// <summary>The connection does not lead to a FineTuning emulator, so it has no control paths.</summary>
    public sealed class NotAnEmulatorException : InvalidOperationException
    {
        public NotAnEmulatorException(string message, Exception? inner = null) : base(message, inner) { }
    }
}
