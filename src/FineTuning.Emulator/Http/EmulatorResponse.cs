using System;
using System.Collections.Generic;
using System.IO;

namespace FineTuning.Emulator
{
    /// <summary>An answer: status, headers, body, or an instruction to drop the connection.</summary>
    internal sealed class EmulatorResponse
    {
        public int Status = 200;
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public byte[] Body = Array.Empty<byte>();
        /// <summary>A body to stream instead of <see cref="Body"/> (file contents of any size).</summary>
        public Func<Stream>? BodyStream;
        public string ContentType = "application/json";
        public bool DropConnection;
        public TimeSpan Latency;
    }
}
