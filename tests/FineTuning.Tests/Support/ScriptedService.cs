using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using System.Text.Json;
using FineTuning.Client;

namespace FineTuning.Tests;

/// <summary>
/// A fine-tuning service whose jobs go through the statuses a test scripts for them, one status per look (a GET or the
/// job's row in a list page); the last status stays. It answers GET /fine_tuning/jobs/{id}, the job list and a job's
/// events, and records every request it is sent.
/// </summary>
public sealed class ScriptedService : HttpMessageHandler
{
    public const string Key = "sk-scripted-0123456789abcdef";

    private readonly ConcurrentDictionary<string, Queue<string>> _statuses = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    /// <summary>Every request, as "GET /v1/fine_tuning/jobs/ftjob-a", in the order they came.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Jobs the list leaves out (as if they were older than its first page): they need a GET.</summary>
    public HashSet<string> NotListed { get; } = new(StringComparer.Ordinal);

    /// <summary>Set: every request waits until it is cancelled (a service that never answers).</summary>
    public bool Hang { get; set; }

    /// <summary>The estimated finish every job reports, or none.</summary>
    public DateTimeOffset? EstimatedFinish { get; set; }

    /// <summary>The metrics of the newest event of every job, or no events.</summary>
    public (long Step, long Total, double Loss)? Metrics { get; set; }

    public ScriptedService Job(string id, params string[] statuses)
    {
        _statuses[id] = new Queue<string>(statuses);
        lock (_order) _order.Insert(0, id);
        return this;
    }

    public int Count(string prefix) => Requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>A client of the service (an OpenAI connection whose transport is this handler; no retries).</summary>
    public FineTuningClient Client()
    {
        var key = new SecureString();
        foreach (var c in Key) key.AppendChar(c);
        var connection = FineTuningConnection.Create(new ConnectionOptions
        {
            Kind = ServiceKind.OpenAI, ApiKey = key, MaxRetries = 0, Transport = this,
        });
        return connection.Client;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        Requests.Enqueue($"{request.Method} {path}");
        if (Hang) await Task.Delay(Timeout.Infinite, cancellationToken);
        const string jobs = "/v1/fine_tuning/jobs";
        if (path == jobs)
        {
            List<string> ids;
            lock (_order) ids = _order.Where(id => !NotListed.Contains(id)).ToList();
            return Json(HttpStatusCode.OK, "{\"object\":\"list\",\"has_more\":false,\"data\":[" + string.Join(",", ids.Select(Look)) + "]}");
        }
        if (path.StartsWith(jobs + "/", StringComparison.Ordinal) && path.EndsWith("/events", StringComparison.Ordinal))
        {
            var data = Metrics is { } m
                ? "[{\"object\":\"fine_tuning.job.event\",\"id\":\"ftevent-1\",\"created_at\":1760000000,\"level\":\"info\",\"type\":\"metrics\"," +
                  $"\"message\":\"Step {m.Step}/{m.Total}\",\"data\":{{\"step\":{m.Step},\"total_steps\":{m.Total},\"train_loss\":{m.Loss.ToString(CultureInfo.InvariantCulture)}}}}}]"
                : "[]";
            return Json(HttpStatusCode.OK, "{\"object\":\"list\",\"has_more\":false,\"data\":" + data + "}");
        }
        var id = path.StartsWith(jobs + "/", StringComparison.Ordinal) ? path.Substring(jobs.Length + 1) : string.Empty;
        if (request.Method == HttpMethod.Get && _statuses.ContainsKey(id)) return Json(HttpStatusCode.OK, Look(id));
        return Json(HttpStatusCode.NotFound,
            "{\"error\":{\"message\":\"No such fine-tuning job: " + id + "\",\"type\":\"invalid_request_error\",\"param\":\"id\",\"code\":\"job_not_found\"}}");
    }

    /// <summary>The job as the service shows it now: the next of its scripted statuses.</summary>
    private string Look(string id)
    {
        var queue = _statuses[id];
        string status;
        lock (queue) status = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
        var job = new Dictionary<string, object?>
        {
            ["object"] = "fine_tuning.job", ["id"] = id, ["model"] = "gpt-4o-mini-2024-07-18", ["created_at"] = 1760000000,
            ["status"] = status, ["training_file"] = "file-train",
        };
        if (status == JobStatus.Failed) job["error"] = new { code = "invalid_training_file", message = "Line 3 is not valid JSON.", param = "training_file" };
        if (EstimatedFinish is { } finish) job["estimated_finish"] = finish.ToUnixTimeSeconds();
        return JsonSerializer.Serialize(job);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
