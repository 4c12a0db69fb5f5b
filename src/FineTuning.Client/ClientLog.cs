using System;
using System.Threading;

namespace FineTuning.Client
{
    /// <summary>Where the client reports what it does. Every message is already masked.</summary>
    public interface IClientLog
    {
        void Verbose(string message);
        void Debug(string message);
        void Warning(string message);
    }

    /// <summary>Optionally implemented by a log that can say which messages it will keep, so callers skip building the rest.</summary>
    public interface IClientLogFilter
    {
        bool VerboseEnabled { get; }
        bool DebugEnabled { get; }
    }

    /// <summary>
    /// The log of the current logical call. A cmdlet sets it before it starts a call; it flows through
    /// every await of that call, so concurrent callers never see each other's messages.
    /// </summary>
    public static class ClientLog
    {
        private static readonly AsyncLocal<IClientLog?> CurrentLog = new AsyncLocal<IClientLog?>();

        public static IClientLog? Current
        {
            get => CurrentLog.Value;
            set => CurrentLog.Value = value;
        }

        internal static void Verbose(string message) => CurrentLog.Value?.Verbose(SecretMasker.Mask(message));
        internal static void Debug(string message) => CurrentLog.Value?.Debug(SecretMasker.Mask(message));
        internal static void Warning(string message) => CurrentLog.Value?.Warning(SecretMasker.Mask(message));
        internal static bool DebugEnabled => CurrentLog.Value is IClientLog log && (!(log is IClientLogFilter f) || f.DebugEnabled);
        internal static bool VerboseEnabled => CurrentLog.Value is IClientLog log && (!(log is IClientLogFilter f) || f.VerboseEnabled);
    }
}
