using System;
using FineTuning.Client;
using FineTuning.Emulator;

namespace FineTuning.Commands
{
    /// <summary>A running local emulator and the connection that reaches it.</summary>
    public sealed class EmulatorSession : IDisposable
    {
        internal EmulatorSession(FineTuningEmulator emulator, FineTuningConnection connection, Uri baseUri, int? port)
        {
            Emulator = emulator;
            Connection = connection;
            BaseUri = baseUri;
            Port = port;
        }

        /// <summary>The emulator itself: its clock, fault injection and counters.</summary>
        public FineTuningEmulator Emulator { get; }
        /// <summary>A connection to it, usable with -Connection.</summary>
        public FineTuningConnection Connection { get; }
        public Uri BaseUri { get; }
        /// <summary>The TCP port on 127.0.0.1, or null when it runs in process only.</summary>
        public int? Port { get; }
        public bool InProcess => Port is null;
        public double TimeScale => Emulator.Options.TimeScale;
        public bool ManualClock => Emulator.Options.ManualClock;
        public int JobCount => Emulator.JobCount;
        public int FileCount => Emulator.FileCount;
        /// <summary>How many requests the emulator has answered since it started (a test can compare it before and after a script).</summary>
        public long RequestCount => Emulator.RequestCount;
        /// <summary>Whether requests must carry the key given to Start-FineTuningEmulator (the key itself is never shown).</summary>
        public bool RequiresApiKey => Emulator.RequiresApiKey;
        /// <summary>The folder the emulator keeps its state in, or null when it keeps it in memory.</summary>
        public string? StatePath => Emulator.Options.StatePath;

        public void Dispose()
        {
            Connection.Dispose();
            Emulator.Dispose();
        }

        public override string ToString() => BaseUri.ToString();
    }
}
