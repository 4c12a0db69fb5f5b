using System.Net;
using System.Text.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Checkpoint permissions on the wire: paths with the checkpoint escaped, query, body, and the checkpoint kept on each permission.</summary>
public class PermissionTests
{
    private const string Checkpoint = "ft:gpt-4o-mini-2024-07-18:acme:weather:B7R9VjQd:ckpt-step-20";
    private const string Escaped = "ft%3Agpt-4o-mini-2024-07-18%3Aacme%3Aweather%3AB7R9VjQd%3Ackpt-step-20";
    private const string Page = """
        {"object":"list","data":[{"id":"cp_2","object":"checkpoint.permission","created_at":1760000100,"project_id":"proj_b"},
                                 {"id":"cp_1","object":"checkpoint.permission","created_at":1760000000,"project_id":"proj_a"}],
         "first_id":"cp_2","last_id":"cp_1","has_more":false}
        """;

    [Fact]
    public async Task Listing_sends_the_filters_as_the_reference_names_them_and_marks_each_permission_with_its_checkpoint()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Page));
        var page = await t.Client.Permissions.ListAsync(Checkpoint, "proj_b", "cp_9", 5, "ascending");
        var r = Assert.Single(t.Handler.Requests);
        Assert.Equal(HttpMethod.Get, r.Method);
        Assert.Equal($"https://api.openai.com/v1/fine_tuning/checkpoints/{Escaped}/permissions?after=cp_9&limit=5&project_id=proj_b&order=ascending", r.Uri.AbsoluteUri);
        Assert.Equal(new[] { "proj_b", "proj_a" }, page.Data.Select(p => p.ProjectId));
        Assert.All(page.Data, p => Assert.Equal(Checkpoint, p.Checkpoint));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760000100), page.Data[0].CreatedAt);
        Assert.Equal("cp_1", page.LastId);
    }

    [Fact]
    public async Task Listing_without_filters_sends_no_query()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Page));
        await t.Client.Permissions.ListAsync(Checkpoint, null, null, null);
        Assert.Equal($"https://api.openai.com/v1/fine_tuning/checkpoints/{Escaped}/permissions", t.Handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Granting_posts_the_project_ids_and_returns_the_new_permissions()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, Page));
        var created = await t.Client.Permissions.CreateAsync(Checkpoint, new[] { "proj_a", "proj_b" });
        var r = t.Handler.Requests[0];
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal($"https://api.openai.com/v1/fine_tuning/checkpoints/{Escaped}/permissions", r.Uri.AbsoluteUri);
        using var body = JsonDocument.Parse(r.Body);
        Assert.Equal("""{"project_ids":["proj_a","proj_b"]}""", body.RootElement.GetRawText());
        Assert.Equal(2, created.Count);
        Assert.All(created, p => Assert.Equal(Checkpoint, p.Checkpoint));
    }

    [Fact]
    public async Task Revoking_deletes_the_permission_under_its_checkpoint()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.OK, """{"id":"cp_1","object":"checkpoint.permission","deleted":true}"""));
        var result = await t.Client.Permissions.DeleteAsync(Checkpoint, "cp_1");
        var r = t.Handler.Requests[0];
        Assert.Equal(HttpMethod.Delete, r.Method);
        Assert.Equal($"https://api.openai.com/v1/fine_tuning/checkpoints/{Escaped}/permissions/cp_1", r.Uri.AbsoluteUri);
        Assert.True(result.Deleted);
        Assert.Equal("checkpoint.permission", result.Object);
    }
}
