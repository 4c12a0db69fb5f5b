using System;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>The client log of one call: its messages are posted to the pipeline thread, which writes them through the cmdlet.</summary>
    internal sealed class RelayLog : IClientLog, IClientLogFilter
    {
        private readonly MessagePump _queue;
        private readonly FineTuningCmdlet _cmdlet;

        public RelayLog(MessagePump queue, FineTuningCmdlet cmdlet, bool verbose, bool debug)
        {
            _queue = queue;
            _cmdlet = cmdlet;
            VerboseEnabled = verbose;
            DebugEnabled = debug;
        }

        public bool VerboseEnabled { get; }
        public bool DebugEnabled { get; }

        public void Verbose(string message) => Add(() => _cmdlet.WriteVerbose(message));
        public void Debug(string message) => Add(() => _cmdlet.WriteDebug(message));
        public void Warning(string message) => Add(() => _cmdlet.WriteWarning(message));

        private void Add(Action action) => _queue.Post(action);
    }
}
