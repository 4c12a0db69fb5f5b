using System.Collections;
using Xunit;

namespace FineTuning.Client.Tests;

public class ConnectionTests
{
    private const string Key = TestClient.Key;

    private static ConnectionOptions WithKey(string baseUri, bool allowInsecure = false) => new()
    {
        Kind = ServiceKind.Compatible,
        BaseUri = new Uri(baseUri),
        ApiKey = FineTuningConnection.ToSecureString(Key),
        AllowInsecureHttp = allowInsecure,
    };

    [Theory]
    [InlineData("http://api.example.com/v1")]
    [InlineData("http://10.0.0.5:8080/v1")]
    [InlineData("http://localhost.example.com/v1")]
    public void KeyOverPlainHttpToARemoteHost_IsRefused(string uri)
    {
        var ex = Assert.Throws<FineTuningConnectionException>(() => FineTuningConnection.Create(WithKey(uri)));
        Assert.Contains(new Uri(uri).Host, ex.Message);
        Assert.Contains("AllowInsecureHttp", ex.Message);
        Assert.DoesNotContain(Key, ex.Message);
    }

    [Fact]
    public void KeyOverPlainHttpToARemoteHost_IsAllowedWhenAskedFor()
    {
        using var c = FineTuningConnection.Create(WithKey("http://api.example.com/v1", allowInsecure: true));
        Assert.True(c.AllowInsecureHttp);
        Assert.Equal(AuthenticationMode.BearerKey, c.Authentication);
    }

    [Theory]
    [InlineData("http://localhost:8080/v1")]
    [InlineData("http://127.0.0.1:5000/v1")]
    [InlineData("http://127.8.9.10/v1")]
    [InlineData("http://[::1]:5000/v1")]
    [InlineData("https://api.example.com/v1")]
    public void KeyOverHttpsOrToLoopback_IsAccepted(string uri)
    {
        using var c = FineTuningConnection.Create(WithKey(uri));
        Assert.Equal(new Uri(uri), c.BaseUri);
    }

    [Fact]
    public void AzureEndpointOverPlainHttp_IsRefused()
    {
        var ex = Assert.Throws<FineTuningConnectionException>(() => FineTuningConnection.Create(new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri("http://res.openai.azure.com"),
            ApiKey = FineTuningConnection.ToSecureString(Key),
        }));
        Assert.Contains("res.openai.azure.com", ex.Message);
    }

    [Fact]
    public void NoKeyWithoutAnyBaseUri_SaysHowToConnect()
    {
        var ex = Assert.Throws<FineTuningConnectionException>(() => FineTuningConnection.Create(new ConnectionOptions()));
        Assert.Contains("-ApiKey", ex.Message);
        Assert.Contains("OPENAI_API_KEY", ex.Message);
    }

    [Fact]
    public void AzureWithoutEndpointOrCredential_SaysWhatIsMissing()
    {
        var noEndpoint = Assert.Throws<FineTuningConnectionException>(() => FineTuningConnection.Create(new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            ApiKey = FineTuningConnection.ToSecureString(Key),
        }));
        Assert.Contains("-Endpoint", noEndpoint.Message);
        var noKey = Assert.Throws<FineTuningConnectionException>(() => FineTuningConnection.Create(new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri("https://res.openai.azure.com"),
        }));
        Assert.Contains("-ApiKey", noKey.Message);
        Assert.Contains("-AccessToken", noKey.Message);
    }

    [Fact]
    public void BadSettings_AreRefused()
    {
        Assert.Throws<FineTuningConnectionException>(() => FineTuningConnection.Create(WithKey("ftp://files.example.com/")));
        var retries = WithKey("https://x.example.com/v1");
        retries.MaxRetries = -1;
        Assert.Equal("MaxRetries", Assert.Throws<ArgumentOutOfRangeException>(() => FineTuningConnection.Create(retries)).ParamName);
        var timeout = WithKey("https://x.example.com/v1");
        timeout.Timeout = TimeSpan.Zero;
        Assert.Equal("Timeout", Assert.Throws<ArgumentOutOfRangeException>(() => FineTuningConnection.Create(timeout)).ParamName);
    }

    [Theory]
    [InlineData("https://res.openai.azure.com", null, "https://res.openai.azure.com/openai/v1", null)]
    [InlineData("https://res.openai.azure.com/", "2024-10-21", "https://res.openai.azure.com/openai", "2024-10-21")]
    [InlineData("https://res.openai.azure.com/openai/", "2025-04-01-preview", "https://res.openai.azure.com/openai", "2025-04-01-preview")]
    [InlineData("https://res.openai.azure.com/openai/v1/", null, "https://res.openai.azure.com/openai/v1", null)]
    [InlineData("https://res.openai.azure.com/openai/v1", "v1", "https://res.openai.azure.com/openai/v1", "v1")]
    public void AzureEndpoint_SelectsClassicOrV1Form(string endpoint, string? apiVersion, string expectedBase, string? expectedVersion)
    {
        using var c = FineTuningConnection.Create(new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI,
            Endpoint = new Uri(endpoint),
            ApiVersion = apiVersion,
            ApiKey = FineTuningConnection.ToSecureString(Key),
        });
        Assert.Equal(expectedBase, c.BaseUri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal(expectedVersion, c.ApiVersion);
        Assert.Equal(AuthenticationMode.ApiKeyHeader, c.Authentication);
    }

    [Fact]
    public void FromEnvironment_OpenAIVariables()
    {
        using var c = FineTuningConnection.FromEnvironment(new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = Key,
            ["OPENAI_ORG_ID"] = "org-123",
            ["OPENAI_PROJECT_ID"] = "proj_456",
        })!;
        Assert.Equal(ServiceKind.OpenAI, c.Kind);
        Assert.Equal(FineTuningConnection.OpenAIBaseUri, c.BaseUri);
        Assert.Equal("org-123", c.Organization);
        Assert.Equal("proj_456", c.Project);
        Assert.Equal(AuthenticationMode.BearerKey, c.Authentication);
        Assert.Equal("Environment", c.Source);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/v1", ServiceKind.Compatible)]
    [InlineData("https://api.openai.com/v1", ServiceKind.OpenAI)]
    [InlineData("https://llm.example.com/openai/v1", ServiceKind.Compatible)]
    public void FromEnvironment_BaseUrlOverride(string baseUrl, ServiceKind kind)
    {
        using var c = FineTuningConnection.FromEnvironment(new Hashtable { ["OPENAI_API_KEY"] = Key, ["OPENAI_BASE_URL"] = baseUrl })!;
        Assert.Equal(kind, c.Kind);
        Assert.Equal(new Uri(baseUrl), c.BaseUri);
    }

    [Fact]
    public void FromEnvironment_BaseUrlWithoutKey_IsAKeylessCompatibleService()
    {
        using var c = FineTuningConnection.FromEnvironment(new Dictionary<string, string> { ["OPENAI_BASE_URL"] = "http://localhost:9999/v1" })!;
        Assert.Equal(ServiceKind.Compatible, c.Kind);
        Assert.Equal(AuthenticationMode.None, c.Authentication);
        Assert.Equal("(none)", c.MaskedKey);
    }

    [Fact]
    public void FromEnvironment_AzureVariables_WinOverOpenAIOnes()
    {
        using var c = FineTuningConnection.FromEnvironment(new Dictionary<string, string>
        {
            ["AZURE_OPENAI_ENDPOINT"] = "https://res.openai.azure.com/",
            ["AZURE_OPENAI_API_KEY"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            ["OPENAI_API_VERSION"] = "2024-10-21",
            ["OPENAI_API_KEY"] = Key,
        })!;
        Assert.Equal(ServiceKind.AzureOpenAI, c.Kind);
        Assert.Equal(AuthenticationMode.ApiKeyHeader, c.Authentication);
        Assert.Equal("2024-10-21", c.ApiVersion);
        Assert.Equal("https://res.openai.azure.com/openai", c.BaseUri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("****e1f0", c.MaskedKey);
    }

    [Fact]
    public void FromEnvironment_AzureAdToken_WinsOverTheKey()
    {
        using var c = FineTuningConnection.FromEnvironment(new Dictionary<string, string>
        {
            ["AZURE_OPENAI_ENDPOINT"] = "https://res.openai.azure.com",
            ["AZURE_OPENAI_API_KEY"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            ["AZURE_OPENAI_AD_TOKEN"] = "eyJhbGciOi.token.value123456",
        })!;
        Assert.Equal(AuthenticationMode.AccessToken, c.Authentication);
        Assert.Null(c.ApiVersion);
        Assert.EndsWith("/openai/v1", c.BaseUri.AbsoluteUri.TrimEnd('/'));
    }

    [Fact]
    public void FromEnvironment_NothingUseful_IsNull()
    {
        Assert.Null(FineTuningConnection.FromEnvironment(new Dictionary<string, string>()));
        Assert.Null(FineTuningConnection.FromEnvironment(new Dictionary<string, string> { ["OPENAI_ORG_ID"] = "org-1", ["OPENAI_API_KEY"] = "   " }));
    }

    [Fact]
    public void FromEnvironment_BadValues_NameTheVariable()
    {
        var azure = Assert.Throws<FineTuningConnectionException>(() =>
            FineTuningConnection.FromEnvironment(new Dictionary<string, string> { ["AZURE_OPENAI_ENDPOINT"] = "res.openai.azure.com", ["AZURE_OPENAI_API_KEY"] = "k" }));
        Assert.Contains("AZURE_OPENAI_ENDPOINT", azure.Message);
        var openai = Assert.Throws<FineTuningConnectionException>(() =>
            FineTuningConnection.FromEnvironment(new Dictionary<string, string> { ["OPENAI_BASE_URL"] = "not a url", ["OPENAI_API_KEY"] = Key }));
        Assert.Contains("OPENAI_BASE_URL", openai.Message);
        var noCredential = Assert.Throws<FineTuningConnectionException>(() =>
            FineTuningConnection.FromEnvironment(new Dictionary<string, string> { ["AZURE_OPENAI_ENDPOINT"] = "https://res.openai.azure.com" }));
        Assert.Contains("-ApiKey", noCredential.Message);
    }

    [Fact]
    public void ToStringAndMaskedKey_NeverRevealTheKey()
    {
        var options = WithKey("https://api.openai.com/v1");
        options.Kind = ServiceKind.OpenAI;
        options.Organization = "org-123";
        using var c = FineTuningConnection.Create(options);
        Assert.Equal("****cdef", c.MaskedKey);
        var text = c.ToString();
        Assert.DoesNotContain(Key, text);
        Assert.DoesNotContain("1234567890", text);
        Assert.Contains("OpenAI", text);
        Assert.Contains("https://api.openai.com/v1", text);
        Assert.Contains("****cdef", text);
        // No public property carries the key either.
        foreach (var p in typeof(FineTuningConnection).GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "Client"))
            Assert.DoesNotContain(Key, Convert.ToString(p.GetValue(c)) ?? string.Empty);
    }

    [Fact]
    public void ShortSecrets_AreFullyMasked()
    {
        using var c = FineTuningConnection.Create(new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString("short-key-1") });
        Assert.Equal("****", c.MaskedKey);
        Assert.DoesNotContain("short-key-1", c.ToString());
    }

    [Fact]
    public void SecretMasker_MasksKeyShapesAndRegisteredSecrets()
    {
        Assert.Equal("key ****, more", SecretMasker.Mask("key sk-proj-abcDEF123456_-x, more"));
        Assert.Equal("Authorization: Bearer ****", SecretMasker.Mask("Authorization: Bearer abc.def.ghi123"));
        Assert.Equal("api-key: ****", SecretMasker.Mask("api-key: 0123456789abcdef"));
        SecretMasker.Register("Zq9!plain#secret");
        Assert.Equal("value=****;", SecretMasker.Mask("value=Zq9!plain#secret;"));
        Assert.Equal("nothing secret here", SecretMasker.Mask("nothing secret here"));
    }

    [Fact]
    public void Client_IsCreatedOncePerConnection()
    {
        using var c = FineTuningConnection.Create(WithKey("https://x.example.com/v1"));
        Assert.Same(c.Client, c.Client);
        Assert.False(c.InProcess);
    }
}
