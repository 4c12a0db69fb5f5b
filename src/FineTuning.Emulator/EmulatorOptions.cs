using System;
using System.Collections.Generic;
using System.Threading;

namespace FineTuning.Emulator
{
    /// <summary>How an emulator behaves: speed of its clock, seed, the key it requires.</summary>
    public sealed class EmulatorOptions
    {
        /// <summary>How many times faster than the service jobs run (60 makes a one-hour job take a minute); timestamps stay real times.</summary>
        public double TimeScale { get; set; } = 1.0;

        /// <summary>When set, time stands still until <see cref="EmulatorClock.Advance"/> moves it, and durations are the service's own.</summary>
        public bool ManualClock { get; set; }

        /// <summary>Seed of the emulator's own randomness (ids, seeds of jobs created without one).</summary>
        public int? Seed { get; set; }

        /// <summary>When set, requests must carry this key as a bearer token or an api-key header.</summary>
        public string? ApiKey { get; set; }

        /// <summary>The organization that owns everything the emulator creates; it appears in model names.</summary>
        public string OrganizationId { get; set; } = "org-emulator";

        /// <summary>A folder to keep state in across restarts; null keeps it in memory.</summary>
        public string? StatePath { get; set; }

        /// <summary>What the HTTP edge accepts from a client (sizes, times, connections); see docs/security.md.</summary>
        public ServerLimits Limits { get; set; } = new ServerLimits();

        /// <summary>A copy without the key: what the emulator shows of its options.</summary>
        internal EmulatorOptions WithoutKey()
        {
            var copy = (EmulatorOptions)MemberwiseClone();
            copy.ApiKey = null;
            return copy;
        }
    }
}
