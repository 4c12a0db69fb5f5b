using System;
using System.Management.Automation;
using System.Security;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Connect-FineTuningService: sets the session's connection.</summary>
    [Cmdlet(VerbsCommunications.Connect, "FineTuningService", DefaultParameterSetName = OpenAISet)]
    [OutputType(typeof(FineTuningConnection))]
    public sealed class ConnectFineTuningServiceCommand : PSCmdlet
    {
        private const string OpenAISet = "OpenAI";
        private const string AzureSet = "Azure";

        [Parameter(ParameterSetName = OpenAISet, Position = 0)]
        [Parameter(ParameterSetName = AzureSet)]
        [ValidateNotNull]
        [SecureStringArgument]
        public SecureString? ApiKey { get; set; }

        [Parameter(ParameterSetName = OpenAISet)]
        [ValidateNotNull]
        public Uri? BaseUri { get; set; }

        [Parameter(ParameterSetName = OpenAISet)]
        [ValidateNotNullOrEmpty]
        public string? Organization { get; set; }

        [Parameter(ParameterSetName = OpenAISet)]
        [ValidateNotNullOrEmpty]
        public string? Project { get; set; }

        [Parameter(ParameterSetName = AzureSet, Mandatory = true)]
        public SwitchParameter Azure { get; set; }

        [Parameter(ParameterSetName = AzureSet, Mandatory = true)]
        [ValidateNotNull]
        public Uri? Endpoint { get; set; }

        [Parameter(ParameterSetName = AzureSet)]
        [ArgumentCompleter(typeof(AzureApiVersionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ApiVersion { get; set; }

        [Parameter(ParameterSetName = AzureSet)]
        [ValidateNotNull]
        [SecureStringArgument]
        public SecureString? AccessToken { get; set; }

        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetries { get; set; } = 2;

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 600;

        [Parameter]
        public SwitchParameter AllowInsecureHttp { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var options = new ConnectionOptions
            {
                MaxRetries = MaxRetries,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                AllowInsecureHttp = AllowInsecureHttp.IsPresent,
                Source = "Connect-FineTuningService",
            };
            if (ParameterSetName == AzureSet)
            {
                if (ApiKey != null && AccessToken != null)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("Use either -ApiKey or -AccessToken for Azure OpenAI, not both."),
                        "AmbiguousCredential", ErrorCategory.InvalidArgument, null));
                }
                options.Kind = ServiceKind.AzureOpenAI;
                options.Endpoint = Endpoint;
                options.ApiVersion = ApiVersion;
                options.ApiKey = ApiKey ?? FromEnvironment("AZURE_OPENAI_API_KEY");
                options.AccessToken = AccessToken ?? (options.ApiKey is null ? FromEnvironment("AZURE_OPENAI_AD_TOKEN") : null);
                if (options.ApiKey is null && options.AccessToken is null)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("An Azure OpenAI connection needs -ApiKey or -AccessToken (or AZURE_OPENAI_API_KEY in the environment)."),
                        "MissingCredential", ErrorCategory.InvalidArgument, null));
                }
            }
            else
            {
                options.Kind = BaseUri is null || BaseUri.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase)
                    ? ServiceKind.OpenAI
                    : ServiceKind.Compatible;
                options.BaseUri = BaseUri;
                options.Organization = Organization;
                options.Project = Project;
                options.ApiKey = ApiKey ?? FromEnvironment("OPENAI_API_KEY");
                if (options.ApiKey is null && options.Kind == ServiceKind.OpenAI)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("Connecting to OpenAI needs -ApiKey (e.g. -ApiKey (Read-Host -AsSecureString)) or OPENAI_API_KEY in the environment."),
                        "MissingCredential", ErrorCategory.InvalidArgument, null));
                }
            }

            FineTuningConnection connection;
            try
            {
                connection = FineTuningConnection.Create(options);
            }
            catch (Exception ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, "Connection"));
                return;
            }

            ModuleSession.Connection = connection;
            WriteVerbose($"Connected: {connection}");
            if (PassThru) WriteObject(connection);
        }

        private static SecureString? FromEnvironment(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? null : FineTuningConnection.ToSecureString(value!);
        }
    }
}
