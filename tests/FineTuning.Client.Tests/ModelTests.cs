using System.Net;
using System.Text.Json;
using FineTuning.Client.Json;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Models: the wire requests, the objects read from OpenAI's and Azure's answers, and what a model reference names.</summary>
public class ModelTests
{
    private const string FineTuned = "ft:gpt-4o-mini-2024-07-18:acme:support:AbCd1234";

    [Fact]
    public async Task Models_are_listed_read_and_deleted_at_the_reference_paths_with_colons_escaped()
    {
        using var t = new TestClient(new FakeHandler()
            .Then(HttpStatusCode.OK, """{"object":"list","data":[{"id":"gpt-4o-mini-2024-07-18","object":"model","created":1721172741,"owned_by":"system"}]}""")
            .Then(HttpStatusCode.OK, $$"""{"id":"{{FineTuned}}","object":"model","created":1760000000,"owned_by":"acme","shutdown_date":null}""")
            .Then(HttpStatusCode.OK, $$"""{"id":"{{FineTuned}}","object":"model","deleted":true}"""));
        var list = await t.Client.Models.ListAsync();
        var one = await t.Client.Models.GetAsync(FineTuned);
        var deleted = await t.Client.Models.DeleteAsync(FineTuned);
        var r = t.Handler.Requests;
        Assert.Equal(HttpMethod.Get, r[0].Method);
        Assert.Equal("https://api.openai.com/v1/models", r[0].Uri.AbsoluteUri);
        Assert.Equal("https://api.openai.com/v1/models/ft%3Agpt-4o-mini-2024-07-18%3Aacme%3Asupport%3AAbCd1234", r[1].Uri.AbsoluteUri);
        Assert.Equal(HttpMethod.Delete, r[2].Method);
        Assert.Equal(r[1].Uri.AbsoluteUri, r[2].Uri.AbsoluteUri);
        Assert.Equal("gpt-4o-mini-2024-07-18", Assert.Single(list.Data).Id);
        Assert.Equal(FineTuned, one.Id);
        Assert.True(deleted.Deleted);
        Assert.Equal(FineTuned, deleted.Id);
    }

    [Fact]
    public void An_OpenAI_fine_tuned_model_tells_its_base_and_suffix_from_its_name()
    {
        var m = JsonSerializer.Deserialize("""{"id":"ft:gpt-4o-mini-2024-07-18:acme:support:AbCd1234","object":"model","created":1760000000,"owned_by":"acme","shutdown_date":"2027-06-30","extra":{"a":1}}""",
            ClientJsonContext.Default.FineTuningModel)!;
        Assert.True(m.IsFineTuned);
        Assert.False(m.IsCheckpoint);
        Assert.Equal("gpt-4o-mini-2024-07-18", m.BaseModel);
        Assert.Equal("support", m.Suffix);
        Assert.Equal("acme", m.OwnedBy);
        Assert.Equal("2027-06-30", m.ShutdownDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760000000), m.Created);
        Assert.True(m.AdditionalProperties!.ContainsKey("extra"));
        Assert.Null(m.FineTune);
    }

    [Theory]
    [InlineData("ft:gpt-4.1-nano-2025-04-14:openai::BTz2REMH", true, false, "gpt-4.1-nano-2025-04-14", null)]
    [InlineData("ft:gpt-4o-mini-2024-07-18:acme:weather:9uJPavMj:ckpt-step-200", true, true, "gpt-4o-mini-2024-07-18", "weather")]
    [InlineData("gpt-4o-mini-2024-07-18", false, false, null, null)]
    [InlineData("gpt-4o-mini-2024-07-18.ft-0123456789abcdef0123456789abcdef-support", true, false, null, null)]
    public void Names_say_whether_a_model_is_fine_tuned(string id, bool fineTuned, bool checkpoint, string? baseModel, string? suffix)
    {
        var m = new FineTuningModel { Id = id };
        Assert.Equal(fineTuned, m.IsFineTuned);
        Assert.Equal(checkpoint, m.IsCheckpoint);
        Assert.Equal(baseModel, m.BaseModel);
        Assert.Equal(suffix, m.Suffix);
    }

    [Fact]
    public void An_Azure_fine_tuned_model_names_its_base_and_its_job()
    {
        var m = JsonSerializer.Deserialize("""
            {"id":"gpt-4o-mini-2024-07-18.ft-0123456789abcdef0123456789abcdef","object":"model","created":1760000000,"status":"succeeded",
             "model":"gpt-4o-mini-2024-07-18","fine_tune":"ftjob-0123456789abcdef0123456789abcdef","lifecycle_status":"preview",
             "capabilities":{"chat_completion":true},"deprecation":{"inference":1790000000}}
            """, ClientJsonContext.Default.FineTuningModel)!;
        Assert.True(m.IsFineTuned);
        Assert.Equal("gpt-4o-mini-2024-07-18", m.BaseModel);
        Assert.Equal("ftjob-0123456789abcdef0123456789abcdef", m.FineTune);
        Assert.Equal("succeeded", m.Status);
        Assert.Equal("preview", m.LifecycleStatus);
        Assert.True(m.AdditionalProperties!.ContainsKey("capabilities"));
        Assert.Null(m.OwnedBy);
    }

    [Fact]
    public void A_model_that_only_has_created_at_still_tells_when_it_was_made()
    {
        var m = JsonSerializer.Deserialize("""{"id":"gpt-4o-mini-2024-07-18.ft-0123456789abcdef0123456789abcdef","object":"model","created_at":1760000000}""",
            ClientJsonContext.Default.FineTuningModel)!;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1760000000), m.Created);
        var both = JsonSerializer.Deserialize("""{"id":"x","created":1700000000,"created_at":1760000000}""", ClientJsonContext.Default.FineTuningModel)!;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), both.Created);
    }

    [Fact]
    public void A_reference_names_a_model_by_name_object_job_or_checkpoint()
    {
        Assert.Equal(FineTuned, ModelReference.NameOf("  " + FineTuned + " ", out var p1));
        Assert.Null(p1);
        Assert.Equal(FineTuned, ModelReference.NameOf(new FineTuningModel { Id = FineTuned }, out _));
        Assert.Equal(FineTuned, ModelReference.NameOf(new FineTuningJob { Id = "ftjob-1", Status = "succeeded", FineTunedModel = FineTuned }, out _));
        Assert.Equal(FineTuned + ":ckpt-step-20", ModelReference.NameOf(new FineTuningCheckpoint { FineTunedModelCheckpoint = FineTuned + ":ckpt-step-20" }, out _));
    }

    [Fact]
    public void A_reference_that_names_no_model_says_why()
    {
        Assert.Null(ModelReference.NameOf(new FineTuningJob { Id = "ftjob-1", Status = "failed" }, out var p1));
        Assert.Equal("Job ftjob-1 has no fine-tuned model (status failed); only a job that succeeded has one.", p1);
        Assert.Null(ModelReference.NameOf(" ", out var p2));
        Assert.NotNull(p2);
        Assert.Null(ModelReference.NameOf(42, out var p3));
        Assert.Equal("'42' is not a model: pass a model name, or a model, job or checkpoint object.", p3);
        Assert.Null(ModelReference.NameOf(null, out var p4));
        Assert.NotNull(p4);
    }

    [Fact]
    public void Base_models_are_refused_for_deletion_fine_tuned_ones_are_not()
    {
        Assert.Equal("gpt-4o is a base model; only fine-tuned models can be deleted.", ModelReference.WhyNotDeletable("gpt-4o", "gpt-4o"));
        var listedBase = new FineTuningModel { Id = "some-service-model", OwnedBy = "system" };
        Assert.Equal("some-service-model is not a fine-tuned model; only fine-tuned models can be deleted.", ModelReference.WhyNotDeletable(listedBase, listedBase.Id));
        Assert.Null(ModelReference.WhyNotDeletable(FineTuned, FineTuned));
        Assert.Null(ModelReference.WhyNotDeletable(new FineTuningModel { Id = FineTuned }, FineTuned));
        // A name the module does not know is left to the service, which decides.
        Assert.Null(ModelReference.WhyNotDeletable("custom-model-7", "custom-model-7"));
    }
}
