using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;

namespace FineTuning.Emulator
{
    /// <summary>
    /// A local emulator of the fine-tuning service: files, jobs with their lifecycle, events, checkpoints
    /// and result files, with real validation of the data, real token counts and a small model that is
    /// really trained. Reach it in process through <see cref="CreateHandler"/> or over HTTP on 127.0.0.1
    /// through <see cref="StartListener"/>; both go through the same router.
    /// </summary>
    public sealed partial class FineTuningEmulator : IDisposable, IEmulatorApp
    {
        private readonly object _gate = new object();
        private EmulatorListener? _listener;
        private StateFolderLock? _folderLock;
        private bool _disposed;

        /// <summary>The key requests must carry, or null. Kept here only: <see cref="Options"/> never shows it.</summary>
        private readonly string? _apiKey;

        public FineTuningEmulator(EmulatorOptions? options = null)
        {
            var given = options ?? new EmulatorOptions();
            _apiKey = string.IsNullOrEmpty(given.ApiKey) ? null : given.ApiKey;
            Options = given.WithoutKey();
            if (string.IsNullOrWhiteSpace(Options.OrganizationId)) throw new ArgumentException("OrganizationId cannot be empty.", nameof(options));
            Faults = new FaultInjector();
            _ids = new IdSource(Options.Seed);
            (DateTimeOffset? Now, TimeSpan? ClockOffset) saved = (null, null);
            if (!string.IsNullOrEmpty(Options.StatePath))
            {
                _stateDirectory = Path.GetFullPath(Options.StatePath!);
                Directory.CreateDirectory(_stateDirectory);
                // One owner per folder: a second emulator on it is refused before it reads or writes anything.
                _folderLock = StateFolderLock.Acquire(_stateDirectory);
                try
                {
                    lock (_state) saved = LoadState();
                }
                catch
                {
                    _folderLock.Dispose();
                    throw;
                }
            }
            // After a restart the clock goes on from where the saved state left it, advances included.
            Clock = new EmulatorClock(Options.TimeScale, Options.ManualClock, saved.Now, saved.ClockOffset);
            Clock.Advanced = OnClockAdvanced;
            if (_stateDirectory != null)
            {
                try
                {
                    lock (_state) SaveIfDirty();
                }
                catch
                {
                    _folderLock!.Dispose();
                    throw;
                }
            }
        }

        /// <summary>A moved clock is part of the state: saved at once, so a restart does not take it back.</summary>
        private void OnClockAdvanced()
        {
            if (_stateDirectory is null) return;
            lock (_state) MarkDirty();
            Persist();
        }

        /// <summary>
        /// The options the emulator runs with, as a copy whose <see cref="EmulatorOptions.ApiKey"/> is null: the key stays
        /// inside the emulator, so nothing that shows or serializes the emulator can reveal it (see <see cref="RequiresApiKey"/>).
        /// </summary>
        public EmulatorOptions Options { get; }

        /// <summary>Whether requests must carry the API key the emulator was started with.</summary>
        public bool RequiresApiKey => _apiKey != null;

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
            return new InProcessHandler(this);
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
                var listener = new EmulatorListener(this, port);
                listener.Start();
                _listener = listener;
                ListenerBaseUri = new Uri($"http://127.0.0.1:{listener.Port}/v1");
                return ListenerBaseUri;
            }
        }

        ServerLimits IEmulatorApp.Limits => Options.Limits;

        EmulatorResponse IEmulatorApp.Refuse(EmulatorRequest? request, int status, string message, string? code)
        {
            var asked = request ?? new EmulatorRequest();
            asked.Dialect = DialectOf(asked.Path);
            return ErrorFor(asked, new ApiError(status, message, null, code, status >= 500 ? "server_error" : "invalid_request_error"));
        }

        EmulatorResponse? IEmulatorApp.Admit(EmulatorRequest head) => Admit(head);

        EmulatorResponse IEmulatorApp.Handle(EmulatorRequest request) => Handle(request);

        string IEmulatorApp.SpoolDirectory()
        {
            lock (_state) return Scratch();
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

        public int JobCount
        {
            get { lock (_state) return _jobs.Count; }
        }

        public int FileCount
        {
            get { lock (_state) return _files.Count; }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            StopListener();
            lock (_state)
            {
                // With a state folder, pending uploads and their parts stay for the next start.
                if (_stateDirectory is null)
                {
                    foreach (var upload in _uploads.Values) DropParts(upload);
                }
                DeleteScratch();
            }
            _folderLock?.Dispose();
            _folderLock = null;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(FineTuningEmulator));
        }
    }
}
