using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>
    /// The fine-tuning API over HTTP, one resource at a time as the official SDKs shape it: <see cref="Jobs"/>,
    /// <see cref="Files"/>, <see cref="Uploads"/>, <see cref="Models"/>, <see cref="Graders"/>, <see cref="Permissions"/>
    /// and, for the emulator, <see cref="Emulator"/>. All of them send through one base that owns the connection's
    /// <see cref="HttpClient"/>, retries as <see cref="Retry"/> says, reports to <see cref="ClientLog.Current"/>, and throws
    /// <see cref="FineTuningServiceException"/>, <see cref="FineTuningTransportException"/> or <see cref="FineTuningProtocolException"/>.
    /// One instance per connection (<see cref="FineTuningConnection.Client"/>); safe for concurrent calls.
    /// </summary>
    public sealed class FineTuningClient : IDisposable
    {
        /// <summary>How many redirects within the origin one request follows.</summary>
        public const int MaxRedirects = 5;

        /// <summary>The default of <see cref="MaxResponseBytes"/>: 32 MiB.</summary>
        public const long DefaultMaxResponseBytes = 32L * 1024 * 1024;

        /// <summary>How much of an error answer is read (1 MiB); the rest is not needed to report it.</summary>
        public const int MaxErrorBodyBytes = 1024 * 1024;

        private readonly ApiSender _sender;

        internal FineTuningClient(FineTuningConnection connection, HttpMessageHandler? transport)
        {
            _sender = new ApiSender(connection, transport);
            Jobs = new JobsClient(_sender);
            Files = new FilesClient(_sender);
            Uploads = new UploadsClient(_sender, Files);
            Models = new ModelsClient(_sender);
            Graders = new GradersClient(_sender);
            Permissions = new CheckpointPermissionsClient(_sender);
            Emulator = new EmulatorAdminClient(_sender);
        }

        public FineTuningConnection Connection => _sender.Connection;

        /// <summary>Fine-tuning jobs, their events and checkpoints.</summary>
        public JobsClient Jobs { get; }

        /// <summary>Files: upload, import, read, list, delete, download.</summary>
        public FilesClient Files { get; }

        /// <summary>The Uploads API, for files over the Files API's 512 MB.</summary>
        public UploadsClient Uploads { get; }

        /// <summary>Base and fine-tuned models.</summary>
        public ModelsClient Models { get; }

        /// <summary>Graders for reinforcement fine-tuning.</summary>
        public GradersClient Graders { get; }

        /// <summary>Permissions on checkpoints and fine-tuned models.</summary>
        public CheckpointPermissionsClient Permissions { get; }

        /// <summary>An emulator's control paths (faults, clock); refused for real services.</summary>
        public EmulatorAdminClient Emulator { get; }

        /// <summary>When and how long to wait before retrying a request.</summary>
        public RetryPolicy Retry
        {
            get => _sender.Retry;
            set => _sender.Retry = value ?? throw new ArgumentNullException(nameof(value));
        }

        /// <summary>The most one JSON answer may be, in bytes (default 32 MiB); file content is streamed and not bound by it.</summary>
        public long MaxResponseBytes
        {
            get => _sender.MaxResponseBytes;
            set => _sender.MaxResponseBytes = value;
        }

        /// <summary>How the client waits between attempts (replaceable in tests).</summary>
        internal Func<TimeSpan, CancellationToken, Task> Delay
        {
            get => _sender.Delay;
            set => _sender.Delay = value;
        }

        /// <summary>The time the retry rules read a Retry-After date against (replaceable in tests).</summary>
        internal Func<DateTimeOffset> Now
        {
            get => _sender.Now;
            set => _sender.Now = value;
        }

        /// <summary>
        /// Whether the service may have Azure OpenAI's own calls (deleting jobs, importing files from a URL): Azure OpenAI
        /// has them, OpenAI and the emulator in OpenAI's dialect do not. A compatible service is given the benefit of the doubt.
        /// </summary>
        public bool HasAzureCalls => HasAzureCallsOn(Connection);

        internal static bool HasAzureCallsOn(FineTuningConnection connection) =>
            connection.Kind == ServiceKind.AzureOpenAI || connection.Kind == ServiceKind.Compatible;

        /// <summary>Builds the absolute URI of an API path with its query, adding Azure's api-version where needed.</summary>
        public Uri BuildUri(string path, IEnumerable<KeyValuePair<string, string>>? query = null) => _sender.BuildUri(path, query);

        /// <summary>
        /// A raw request to an API path, for what the resource clients do not cover, with the same headers, retries,
        /// redirect rule and errors. Returns a success response (2xx) that the caller disposes; throws for anything else.
        /// <paramref name="content"/> is called once per attempt, so bodies are fresh.
        /// </summary>
        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? query,
            Func<HttpContent?>? content, HttpCompletionOption completion, CancellationToken ct, string? debugBody = null) =>
            _sender.SendAsync(method, path, query, content, completion, ct, debugBody);

        /// <summary>Same scheme, host and port.</summary>
        public static bool SameOrigin(Uri a, Uri b) =>
            string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) &&
            a.Port == b.Port;

        public void Dispose() => _sender.Dispose();
    }
}
