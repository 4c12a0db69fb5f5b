using System;
using System.Collections;
using System.Text;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// What the module remembers between cmdlet calls: the connection set by Connect-FineTuningService
    /// or Start-FineTuningEmulator, and the running emulator. One per process, like the module itself.
    /// </summary>
    public static class ModuleSession
    {
        private static readonly object Gate = new object();
        private static FineTuningConnection? _connection;
        private static string? _environmentKey;
        private static FineTuningConnection? _environmentConnection;

        /// <summary>The connection cmdlets use when none is passed with -Connection.</summary>
        public static FineTuningConnection? Connection
        {
            get { lock (Gate) return _connection; }
            set { lock (Gate) _connection = value; }
        }

        /// <summary>The emulator started by Start-FineTuningEmulator, if any.</summary>
        public static EmulatorSession? Emulator { get; set; }

        /// <summary>
        /// The connection the environment variables describe, or null. It is created once and reused for
        /// as long as the variables stay the same, so repeated calls keep their HTTP connections warm.
        /// </summary>
        public static FineTuningConnection? FromEnvironment()
        {
            // Only the variables a connection reads, not the whole environment: this runs on every cmdlet call.
            var variables = new Hashtable(EnvironmentNames.Length);
            var key = new StringBuilder();
            foreach (var name in EnvironmentNames)
            {
                var value = Environment.GetEnvironmentVariable(name);
                if (value != null) variables[name] = value;
                key.Append(name).Append('=').Append(value ?? "\u0000").Append('\n');
            }
            var fingerprint = key.ToString();
            lock (Gate)
            {
                if (fingerprint == _environmentKey) return _environmentConnection;
                var created = FineTuningConnection.FromEnvironment(variables);
                _environmentConnection?.Dispose();
                _environmentConnection = created;
                _environmentKey = fingerprint;
                return created;
            }
        }

        private static readonly string[] EnvironmentNames =
        {
            "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "OPENAI_API_VERSION",
            "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
        };
    }
}
