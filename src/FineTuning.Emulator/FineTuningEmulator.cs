using System;
using System.Linq;
using System.Net.Http;

namespace FineTuning.Emulator
{
    /// <summary>
    /// A local emulator of the fine-tuning service: files, uploads, jobs with their lifecycle, events, checkpoints,
    /// result files, models, graders and checkpoint permissions, with real validation of the data, real token counts and
    /// a small model that is really trained. Reach it in process through <see cref="CreateHandler"/> or over HTTP on
    /// 127.0.0.1 through <see cref="StartListener"/>; both go through the same request entry (<see cref="RequestEntry"/>:
    /// the key, faults, the route table, the save).
    /// The parts, by folder: Store (state, ids, the state folder), Lifecycle (the job state machine), Handlers (one per
    /// resource, over one route table), Training (the trainer and the encoding of examples), Http (the transports).
    /// </summary>
    public sealed class FineTuningEmulator : IDisposable
    {
        private readonly object _gate = new object();
        private readonly EmulatorStore _store;
        private readonly JobLifecycle _jobs;
        private readonly RequestEntry _entry;
        private EmulatorListener? _listener;
        private bool _disposed;

        /// <exception cref="StateFolderInUseException">Another emulator owns <see cref="EmulatorOptions.StatePath"/>.</exception>
        /// <exception cref="System.IO.InvalidDataException">The state folder holds a state this emulator cannot read.</exception>
        public FineTuningEmulator(EmulatorOptions? options = null)
        {
            var given = options ?? new EmulatorOptions();
            Options = given.WithoutKey();
            if (string.IsNullOrWhiteSpace(Options.OrganizationId)) throw new ArgumentException("OrganizationId cannot be empty.", nameof(options));
            Faults = new FaultInjector();
            _store = new EmulatorStore(Options.Seed);
            try
            {
                // One owner per folder: a second emulator on it is refused before it reads or writes anything.
                var loaded = string.IsNullOrEmpty(Options.StatePath) ? null : _store.Open(Options.StatePath!);
                // After a restart the clock goes on from where the saved state left it, advances included.
                Clock = new EmulatorClock(Options.TimeScale, Options.ManualClock, loaded?.Now, loaded?.ClockOffset);
                _store.Clock = Clock;
                Clock.Advanced = OnClockAdvanced;
                _jobs = new JobLifecycle(_store, Clock, Faults, Options.OrganizationId);
                if (loaded != null)
                {
                    lock (_store.Gate)
                    {
                        foreach (var (job, steps) in loaded.Jobs) _jobs.Restore(job, steps, loaded.Now ?? Clock.Now);
                    }
                    _store.Persist();
                }
            }
            catch
            {
                _store.Dispose();
                throw;
            }

            var routes = new RouteTable
            {
                BeforeApi = () =>
                {
                    lock (_store.Gate) _store.PurgeExpiredFiles(Clock.Now);
                },
            };
            new FilesHandler(_store, Clock).Register(routes);
            new UploadsHandler(_store, Clock).Register(routes);
            new JobsHandler(_store, _jobs).Register(routes);
            new ModelsHandler(_store, _jobs, Options.OrganizationId).Register(routes);
            GradersHandler.Register(routes);
            new PermissionsHandler(_store, Clock).Register(routes);
            new AdminHandler(Faults, Clock).Register(routes);
            // The key goes to the request entry alone.
            _entry = new RequestEntry(given.ApiKey, Options, Faults, routes, _store);
        }

        /// <summary>A moved clock is part of the state: saved at once, so a restart does not take it back.</summary>
        private void OnClockAdvanced()
        {
            lock (_store.Gate) _store.MarkDirty();
            _store.Persist();
        }

        /// <summary>
        /// The options the emulator runs with, as a copy whose <see cref="EmulatorOptions.ApiKey"/> is null: the key stays
        /// inside the emulator, so nothing that shows or serializes the emulator can reveal it (see <see cref="RequiresApiKey"/>).
        /// </summary>
        public EmulatorOptions Options { get; }

        /// <summary>Whether requests must carry the API key the emulator was started with.</summary>
        public bool RequiresApiKey => _entry.RequiresApiKey;

        /// <summary>The base URI to use with <see cref="CreateHandler"/>.</summary>
        public Uri InProcessBaseUri { get; } = new Uri("http://localhost/v1");

        public EmulatorClock Clock { get; }

        public FaultInjector Faults { get; }

        /// <summary>The listener's base URI (http://127.0.0.1:PORT/v1) while it runs.</summary>
        public Uri? ListenerBaseUri { get; private set; }

        /// <summary>A transport that hands requests to this emulator without a socket.</summary>
        public HttpMessageHandler CreateHandler()
        {
            ThrowIfDisposed();
            return new InProcessHandler(_entry);
        }

        /// <summary>
        /// Starts serving HTTP on the loopback addresses, 127.0.0.1 and [::1] (port 0 picks a free one), and returns the base URI
        /// on 127.0.0.1; <c>localhost</c> and <c>[::1]</c> on the same port work as well. No other interface is ever bound.
        /// </summary>
        public Uri StartListener(int port = 0)
        {
            ThrowIfDisposed();
            if (port < 0 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "Port must be 0 to 65535.");
            lock (_gate)
            {
                if (_listener != null) throw new InvalidOperationException($"The emulator already listens at {ListenerBaseUri}.");
                var listener = new EmulatorListener(_entry, port);
                listener.Start();
                _listener = listener;
                ListenerBaseUri = new Uri($"http://127.0.0.1:{listener.Port}/v1");
                return ListenerBaseUri;
            }
        }

        public void StopListener()
        {
            lock (_gate)
            {
                _listener?.Dispose();
                _listener = null;
                ListenerBaseUri = null;
            }
        }

        /// <summary>
        /// How many requests the emulator has answered since it started, over both transports, error answers and
        /// injected faults included (a request refused at the edge for its size or its key is not counted). A test
        /// can read it before and after a script to see how many calls the script made.
        /// </summary>
        public long RequestCount => _entry.Answered;

        public int JobCount
        {
            get { lock (_store.Gate) return _store.Jobs.Count; }
        }

        public int FileCount
        {
            get { lock (_store.Gate) return _store.Files.Count; }
        }

        /// <summary>How many uploads are in a status (pending, completed, cancelled, expired).</summary>
        public int UploadCount(string status)
        {
            lock (_store.Gate) return _store.Uploads.Values.Count(u => u.Status == status);
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            StopListener();
            _store.Dispose();
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(FineTuningEmulator));
        }
    }
}
