using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using FineTuning.Client;
using FineTuning.Emulator;

namespace FineTuning.Commands
{
    /// <summary>Start-FineTuningEmulator: starts the local emulator and connects the session to it.</summary>
    [Cmdlet(VerbsLifecycle.Start, "FineTuningEmulator")]
    [OutputType(typeof(EmulatorSession))]
    public sealed class StartFineTuningEmulatorCommand : PSCmdlet
    {
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter]
        [ValidateRange(0.001, 1000000)]
        public double TimeScale { get; set; } = 60;

        [Parameter] public int Seed { get; set; }

        [Parameter]
        [ValidateNotNull]
        [SecureStringArgument]
        public SecureString? ApiKey { get; set; }

        [Parameter] public SwitchParameter ManualClock { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StatePath { get; set; }

        [Parameter] public SwitchParameter NoConnect { get; set; }

        /// <summary>Replace an emulator this session already runs (a warning says what it held) instead of refusing.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            var options = new EmulatorOptions
            {
                TimeScale = TimeScale,
                ManualClock = ManualClock.IsPresent,
                Seed = bound.ContainsKey(nameof(Seed)) ? Seed : (int?)null,
                ApiKey = ApiKey is null ? null : Plain(ApiKey),
                StatePath = StatePath is null ? null : GetUnresolvedProviderPathFromPSPath(StatePath),
            };
            if (options.ApiKey != null) SecretMasker.Register(options.ApiKey);

            // One emulator per session. A second start never drops the first one's state without a word:
            // it is refused, or with -Force the first one is stopped and a warning says what it held.
            if (ModuleSession.Emulator is EmulatorSession previous)
            {
                var held = Describe(previous);
                if (!Force)
                {
                    var message = $"An emulator is already running at {previous.BaseUri} ({held}). Stop it with Stop-FineTuningEmulator first, " +
                        "or pass -Force to replace it.";
                    ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message), "EmulatorAlreadyRunning", ErrorCategory.ResourceExists, previous)
                    {
                        ErrorDetails = new ErrorDetails(message)
                        {
                            RecommendedAction = "Stop-FineTuningEmulator, then start again; or Start-FineTuningEmulator -Force to replace it.",
                        },
                    });
                }
                StopFineTuningEmulatorCommand.StopCurrent();
                WriteWarning(previous.StatePath is null
                    ? $"Replaced the emulator at {previous.BaseUri}: its {held} were dropped."
                    : $"Replaced the emulator at {previous.BaseUri}: its {held} stay in '{previous.StatePath}'.");
            }

            FineTuningEmulator? emulator = null;
            try
            {
                emulator = new FineTuningEmulator(options);
                Uri baseUri;
                int? port = null;
                var connectionOptions = new ConnectionOptions
                {
                    Kind = ServiceKind.Emulator,
                    ApiKey = ApiKey,
                    Source = "Start-FineTuningEmulator",
                };
                if (bound.ContainsKey(nameof(Port)))
                {
                    baseUri = emulator.StartListener(Port);
                    port = baseUri.Port;
                }
                else
                {
                    baseUri = emulator.InProcessBaseUri;
                    connectionOptions.Transport = emulator.CreateHandler();
                }
                connectionOptions.BaseUri = baseUri;
                var connection = FineTuningConnection.Create(connectionOptions);
                var session = new EmulatorSession(emulator, connection, baseUri, port);
                ModuleSession.Emulator = session;
                if (!NoConnect) ModuleSession.Connection = connection;
                WriteVerbose($"Emulator listening at {baseUri} (time scale {TimeScale}).");
                WriteObject(session);
            }
            catch (Exception ex)
            {
                emulator?.Dispose();
                if (ex is StateFolderInUseException inUse)
                {
                    // Another emulator (in this or another process) owns the folder: refuse, and name it.
                    ThrowTerminatingError(new ErrorRecord(inUse, "StateFolderInUse", ErrorCategory.ResourceBusy, inUse.StatePath));
                }
                var record = ErrorMapping.ToErrorRecord(ex, Port, "Emulator");
                ThrowTerminatingError(new ErrorRecord(record.Exception, "EmulatorStartFailed",
                    ex is NotSupportedException ? ErrorCategory.NotImplemented : ErrorCategory.ResourceUnavailable, Port)
                { ErrorDetails = record.ErrorDetails });
            }
        }

        /// <summary>What an emulator holds, in words: "3 job(s), 5 file(s)" and its unfinished uploads, if any.</summary>
        private static string Describe(EmulatorSession session)
        {
            var text = $"{session.JobCount} job(s) and {session.FileCount} file(s)";
            var uploads = session.Emulator.UploadCount("pending");
            return uploads > 0 ? $"{session.JobCount} job(s), {session.FileCount} file(s) and {uploads} unfinished upload(s)" : text;
        }

        private static string Plain(SecureString value)
        {
            var ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
            try
            {
                return Marshal.PtrToStringUni(ptr) ?? string.Empty;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }
}
