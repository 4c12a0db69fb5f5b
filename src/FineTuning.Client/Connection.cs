using System;
using System.Collections;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security;

namespace FineTuning.Client
{
    /// <summary>The kind of service a connection talks to.</summary>
    public enum ServiceKind
    {
        OpenAI,
        AzureOpenAI,
        Compatible,
        Emulator,
    }

    /// <summary>How a connection proves who it is.</summary>
    public enum AuthenticationMode
    {
        None,
        /// <summary><c>Authorization: Bearer &lt;key&gt;</c> (OpenAI and compatible services).</summary>
        BearerKey,
        /// <summary><c>api-key: &lt;key&gt;</c> (Azure OpenAI).</summary>
        ApiKeyHeader,
        /// <summary><c>Authorization: Bearer &lt;token&gt;</c> with a Microsoft Entra token (Azure OpenAI).</summary>
        AccessToken,
    }

    /// <summary>Everything needed to build a connection; validated by <see cref="FineTuningConnection.Create"/>.</summary>
    public sealed class ConnectionOptions
    {
        public ServiceKind Kind { get; set; } = ServiceKind.OpenAI;
        /// <summary>OpenAI or compatible: the API base (default https://api.openai.com/v1).</summary>
        public Uri? BaseUri { get; set; }
        /// <summary>Azure: the resource endpoint, e.g. https://name.openai.azure.com.</summary>
        public Uri? Endpoint { get; set; }
        /// <summary>Azure: an api-version selects the classic form (/openai/...?api-version=); none selects /openai/v1.</summary>
        public string? ApiVersion { get; set; }
        public SecureString? ApiKey { get; set; }
        public SecureString? AccessToken { get; set; }
        public string? Organization { get; set; }
        public string? Project { get; set; }
        /// <summary>Allow a key to be sent over plain http to a host that is not loopback.</summary>
        public bool AllowInsecureHttp { get; set; }
        public int MaxRetries { get; set; } = 2;
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(600);
        /// <summary>Where the settings came from, for display: Parameter, Session, Environment, Emulator.</summary>
        public string Source { get; set; } = "Parameter";
        /// <summary>An in-process transport (the emulator's handler); null uses sockets.</summary>
        public HttpMessageHandler? Transport { get; set; }
    }

    /// <summary>
    /// A configured way to reach a fine-tuning service. Holds its secret as a <see cref="SecureString"/>
    /// and never shows it: <see cref="ToString"/> and every property mask it.
    /// </summary>
    public sealed class FineTuningConnection : IDisposable
    {
        public static readonly Uri OpenAIBaseUri = new Uri("https://api.openai.com/v1");

        private readonly SecureString? _secret;
        private readonly HttpMessageHandler? _transport;
        private readonly object _gate = new object();
        private FineTuningClient? _client;

        private FineTuningConnection(ConnectionOptions o, Uri baseUri, AuthenticationMode auth, SecureString? secret, string masked)
        {
            Kind = o.Kind;
            BaseUri = baseUri;
            Endpoint = o.Endpoint;
            ApiVersion = o.Kind == ServiceKind.AzureOpenAI ? o.ApiVersion : null;
            Organization = o.Organization;
            Project = o.Project;
            Authentication = auth;
            AllowInsecureHttp = o.AllowInsecureHttp;
            MaxRetries = o.MaxRetries;
            Timeout = o.Timeout;
            Source = o.Source;
            _secret = secret;
            _transport = o.Transport;
            MaskedKey = masked;
        }

        public ServiceKind Kind { get; }
        /// <summary>The URI that API paths are appended to (…/v1, or …/openai for Azure's classic form).</summary>
        public Uri BaseUri { get; }
        public Uri? Endpoint { get; }
        /// <summary>Azure classic form: the api-version sent with every request.</summary>
        public string? ApiVersion { get; }
        public string? Organization { get; }
        public string? Project { get; }
        public AuthenticationMode Authentication { get; }
        /// <summary>The key or token, masked (its last four characters at most).</summary>
        public string MaskedKey { get; }
        public bool AllowInsecureHttp { get; }
        public int MaxRetries { get; }
        public TimeSpan Timeout { get; }
        public string Source { get; }
        /// <summary>True when requests go to an in-process transport rather than over the network.</summary>
        public bool InProcess => _transport != null;

        /// <summary>The client for this connection (one per connection, reused: it keeps its HTTP connections warm).</summary>
        public FineTuningClient Client
        {
            get
            {
                lock (_gate)
                {
                    return _client ??= new FineTuningClient(this, _transport);
                }
            }
        }

        public static FineTuningConnection Create(ConnectionOptions options)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            if (options.MaxRetries < 0 || options.MaxRetries > 10)
                throw new ArgumentOutOfRangeException(nameof(options.MaxRetries), options.MaxRetries, "MaxRetries must be between 0 and 10.");
            if (options.Timeout <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(options.Timeout), options.Timeout, "Timeout must be positive.");

            Uri baseUri;
            AuthenticationMode auth;
            SecureString? secret;
            if (options.Kind == ServiceKind.AzureOpenAI)
            {
                var endpoint = options.Endpoint ?? options.BaseUri
                    ?? throw new FineTuningConnectionException("An Azure OpenAI connection needs an endpoint, e.g. -Endpoint https://<resource>.openai.azure.com.");
                baseUri = AzureBaseUri(endpoint, options.ApiVersion);
                if (options.AccessToken != null && options.AccessToken.Length > 0) { auth = AuthenticationMode.AccessToken; secret = options.AccessToken; }
                else if (options.ApiKey != null && options.ApiKey.Length > 0) { auth = AuthenticationMode.ApiKeyHeader; secret = options.ApiKey; }
                else throw new FineTuningConnectionException("An Azure OpenAI connection needs an API key (-ApiKey) or a Microsoft Entra access token (-AccessToken).");
            }
            else
            {
                baseUri = options.BaseUri ?? OpenAIBaseUri;
                if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
                    throw new FineTuningConnectionException($"The base URI '{baseUri}' must be an absolute http or https URI.");
                if (options.ApiKey != null && options.ApiKey.Length > 0) { auth = AuthenticationMode.BearerKey; secret = options.ApiKey; }
                else if (options.Kind == ServiceKind.OpenAI && options.Transport == null)
                    throw new FineTuningConnectionException("An OpenAI connection needs an API key: pass -ApiKey to Connect-FineTuningService or set OPENAI_API_KEY.");
                else { auth = AuthenticationMode.None; secret = null; }
            }

            secret = secret?.Copy();
            secret?.MakeReadOnly();
            var plain = secret is null ? null : Reveal(secret);
            SecretMasker.Register(plain);
            if (plain != null && !options.AllowInsecureHttp && options.Transport == null && !IsSafeToSendSecret(baseUri))
                throw new FineTuningConnectionException(
                    $"Refusing to send an API key over plain http to '{baseUri.Host}', which is not a loopback address. Use https, or pass -AllowInsecureHttp if you really mean it.");
            return new FineTuningConnection(options, baseUri, auth, secret, secret is null ? "(none)" : SecretMasker.Describe(plain));
        }

        /// <summary>Azure's two URL forms: {endpoint}/openai (classic, with api-version) and {endpoint}/openai/v1.</summary>
        public static Uri AzureBaseUri(Uri endpoint, string? apiVersion)
        {
            if (!endpoint.IsAbsoluteUri) throw new FineTuningConnectionException($"The endpoint '{endpoint}' must be an absolute URI.");
            var root = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
            foreach (var tail in new[] { "/openai/v1", "/openai" })
            {
                if (root.EndsWith(tail, StringComparison.OrdinalIgnoreCase)) { root = root.Substring(0, root.Length - tail.Length); break; }
            }
            var useV1 = string.IsNullOrEmpty(apiVersion) || apiVersion == "v1" || apiVersion == "preview";
            return new Uri(root + (useV1 ? "/openai/v1" : "/openai"));
        }

        /// <summary>Https, or http to a loopback host.</summary>
        public static bool IsSafeToSendSecret(Uri uri)
        {
            if (uri.Scheme == Uri.UriSchemeHttps) return true;
            if (uri.IsLoopback) return true;
            return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
        }

        /// <summary>The query string Azure's classic form adds to every request ("api-version=..."), or null.</summary>
        internal string? ApiVersionQuery =>
            Kind == ServiceKind.AzureOpenAI && !string.IsNullOrEmpty(ApiVersion) && ApiVersion != "v1" && ApiVersion != "preview"
                ? "api-version=" + Uri.EscapeDataString(ApiVersion!)
                : Kind == ServiceKind.AzureOpenAI && ApiVersion == "preview" ? "api-version=preview" : null;

        /// <summary>The header that authenticates a request, or null. The value is revealed only here, per request.</summary>
        /// <summary>Whether requests carry a secret (an API key or a token).</summary>
        internal bool HasSecret => _secret != null;

        internal (string Name, string Value)? AuthorizationHeader()
        {
            if (_secret is null) return null;
            var value = Reveal(_secret);
            return Authentication == AuthenticationMode.ApiKeyHeader ? ("api-key", value) : ("Authorization", "Bearer " + value);
        }

        private static string Reveal(SecureString secure)
        {
            var ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(ptr) ?? string.Empty;
            }
            finally
            {
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        public static SecureString ToSecureString(string value)
        {
            var s = new SecureString();
            foreach (var c in value) s.AppendChar(c);
            s.MakeReadOnly();
            return s;
        }

        /// <summary>
        /// Builds a connection from environment variables: AZURE_OPENAI_ENDPOINT with AZURE_OPENAI_API_KEY or
        /// AZURE_OPENAI_AD_TOKEN (and OPENAI_API_VERSION) for Azure; otherwise OPENAI_API_KEY, OPENAI_BASE_URL,
        /// OPENAI_ORG_ID and OPENAI_PROJECT_ID. Returns null when none are set.
        /// </summary>
        public static FineTuningConnection? FromEnvironment(IDictionary? variables = null)
        {
            string? Get(string name)
            {
                var v = variables != null ? variables[name] as string : Environment.GetEnvironmentVariable(name);
                return string.IsNullOrWhiteSpace(v) ? null : v!.Trim();
            }

            var azureEndpoint = Get("AZURE_OPENAI_ENDPOINT");
            if (azureEndpoint != null)
            {
                if (!Uri.TryCreate(azureEndpoint, UriKind.Absolute, out var endpoint))
                    throw new FineTuningConnectionException($"AZURE_OPENAI_ENDPOINT '{azureEndpoint}' is not an absolute URI.");
                var token = Get("AZURE_OPENAI_AD_TOKEN");
                var key = Get("AZURE_OPENAI_API_KEY");
                return Create(new ConnectionOptions
                {
                    Kind = ServiceKind.AzureOpenAI,
                    Endpoint = endpoint,
                    ApiVersion = Get("OPENAI_API_VERSION"),
                    AccessToken = token is null ? null : ToSecureString(token),
                    ApiKey = key is null ? null : ToSecureString(key),
                    Source = "Environment",
                });
            }

            var apiKey = Get("OPENAI_API_KEY");
            var baseUrl = Get("OPENAI_BASE_URL");
            if (apiKey == null && baseUrl == null) return null;
            Uri? baseUri = null;
            if (baseUrl != null && !Uri.TryCreate(baseUrl, UriKind.Absolute, out baseUri))
                throw new FineTuningConnectionException($"OPENAI_BASE_URL '{baseUrl}' is not an absolute URI.");
            return Create(new ConnectionOptions
            {
                Kind = baseUri == null || baseUri.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase) ? ServiceKind.OpenAI : ServiceKind.Compatible,
                BaseUri = baseUri,
                ApiKey = apiKey is null ? null : ToSecureString(apiKey),
                Organization = Get("OPENAI_ORG_ID"),
                Project = Get("OPENAI_PROJECT_ID"),
                Source = "Environment",
            });
        }

        public override string ToString() =>
            $"{Kind} {BaseUri}{(ApiVersion is null ? string.Empty : " api-version=" + ApiVersion)} ({Authentication}: {MaskedKey})";

        public void Dispose()
        {
            lock (_gate)
            {
                _client?.Dispose();
                _client = null;
            }
            _secret?.Dispose();
        }
    }
}
