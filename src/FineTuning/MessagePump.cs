using System;
using System.Collections.Concurrent;
using System.Threading;

namespace FineTuning.Commands
{
    /// <summary>Actions waiting for the pipeline thread, and a signal that wakes it for them or for the call's end.</summary>
    internal sealed class MessagePump
    {
        // How long the pipeline thread keeps spinning (yielding the processor between checks) before it sleeps:
        // about half a millisecond. A loopback answer usually comes back within that, and catching it awake
        // saves waking a sleeping thread, which cost more than the module's own work per call in the request
        // benchmark (docs/design.md). A slower answer costs that half millisecond of processor time once.
        private const int SpinCount = 1000;
        private readonly ConcurrentQueue<Action> _queue = new ConcurrentQueue<Action>();
        private readonly ManualResetEventSlim _signal = new ManualResetEventSlim(false, SpinCount);

        public void Post(Action action)
        {
            _queue.Enqueue(action);
            _signal.Set();
        }

        public void Signal() => _signal.Set();

        public void WaitAndDrain()
        {
            _signal.Wait();
            _signal.Reset();
            Drain();
        }

        public void Drain()
        {
            while (_queue.TryDequeue(out var action)) action();
        }
    }
}
