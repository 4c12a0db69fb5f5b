using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FineTuning.Client;

namespace FineTuning.Client.Tests;

/// <summary>What the fake server saw of one request.</summary>
public sealed record SeenRequest(HttpMethod Method, Uri Uri, HttpRequestHeaders Headers, HttpContentHeaders? ContentHeaders, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
}

/// <summary>
/// An HttpMessageHandler that records every request and answers from a script: one responder per
/// attempt, the last one repeated when the script runs out.
/// </summary>
public sealed class FakeHandler : HttpMessageHandler
{
    private readonly List<Func<SeenRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    public List<SeenRequest> Requests { get; } = new();

    public FakeHandler Then(Func<SeenRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        _script.Add(responder);
        return this;
    }

    public FakeHandler Then(Func<SeenRequest, HttpResponseMessage> responder) =>
        Then((r, _) => Task.FromResult(responder(r)));

    public FakeHandler Then(HttpStatusCode status, string body = "{}", params (string Name, string Value)[] headers) =>
        Then(_ => Respond(status, body, headers));

    public FakeHandler Throw(Exception ex) => Then((_, _) => Task.FromException<HttpResponseMessage>(ex));

    public static HttpResponseMessage Respond(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var seen = new SeenRequest(request.Method, request.RequestUri!, request.Headers, request.Content?.Headers, body);
        int index;
        lock (Requests)
        {
            // Requests may arrive side by side (an upload's parts).
            Requests.Add(seen);
            index = Requests.Count - 1;
        }
        if (_script.Count == 0) throw new InvalidOperationException("The fake handler has no script.");
        var responder = _script[Math.Min(index, _script.Count - 1)];
        var response = await responder(seen, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}

/// <summary>A client wired to a fake handler, with waits recorded instead of slept.</summary>
public sealed class TestClient : IDisposable
{
    public const string Key = "sk-test-1234567890abcdef";

    /// <summary>An Azure OpenAI connection to https://res.openai.azure.com with the test key, dated (api-version) or v1.</summary>
    public static ConnectionOptions Azure(string? apiVersion = null) => new ConnectionOptions
    {
        Kind = ServiceKind.AzureOpenAI,
        Endpoint = new Uri("https://res.openai.azure.com/"),
        ApiVersion = apiVersion,
        ApiKey = FineTuningConnection.ToSecureString(Key),
    };

    public TestClient(FakeHandler handler, ConnectionOptions? options = null, Func<double>? random = null)
    {
        Handler = handler;
        options ??= new ConnectionOptions { Kind = ServiceKind.OpenAI, ApiKey = FineTuningConnection.ToSecureString(Key) };
        Connection = FineTuningConnection.Create(options);
        Client = new FineTuningClient(Connection, handler)
        {
            Retry = new RetryPolicy(Connection.MaxRetries, random ?? (() => 0.0)),
            Delay = (d, ct) =>
            {
                Delays.Add(d);
                return OnDelay?.Invoke(d, ct) ?? Task.CompletedTask;
            },
            Now = () => Now,
        };
    }

    public FakeHandler Handler { get; }
    public FineTuningConnection Connection { get; }
    public FineTuningClient Client { get; }
    public List<TimeSpan> Delays { get; } = new();
    public Func<TimeSpan, CancellationToken, Task>? OnDelay { get; set; }
    public DateTimeOffset Now { get; set; } = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public void Dispose() => Connection.Dispose();
}

public static class Payloads
{
    public const string SucceededJob = """
        {
          "object": "fine_tuning.job",
          "id": "ftjob-abc123",
          "model": "gpt-4o-mini-2024-07-18",
          "created_at": 1721764800,
          "finished_at": 1721765800,
          "fine_tuned_model": "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9uJPbR69",
          "organization_id": "org-123",
          "result_files": ["file-abc123"],
          "status": "succeeded",
          "validation_file": null,
          "training_file": "file-abc123",
          "hyperparameters": { "n_epochs": 3, "batch_size": 1, "learning_rate_multiplier": 1.8 },
          "method": {
            "type": "supervised",
            "supervised": { "hyperparameters": { "n_epochs": 3, "batch_size": 1, "learning_rate_multiplier": 1.8 } }
          },
          "trained_tokens": 5768,
          "integrations": [],
          "seed": 683058546,
          "estimated_finish": null,
          "error": {},
          "metadata": null,
          "user_provided_suffix": "custom-suffix",
          "usage_metrics": null,
          "shared_with_openai": false
        }
        """;

    public static string Job(string id, string status = "running") =>
        $$"""{"object":"fine_tuning.job","id":"{{id}}","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"status":"{{status}}","training_file":"file-abc","seed":1,"error":null}""";

    public static string Page(bool hasMore, params string[] items) =>
        $$"""{"object":"list","data":[{{string.Join(",", items)}}],"has_more":{{(hasMore ? "true" : "false")}}}""";
}
