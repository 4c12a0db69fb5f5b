using System.Reflection;
using FineTuning.Client;
using FineTuning.Commands;
using Xunit;

namespace FineTuning.Tests;

public class AssemblyCheckTests
{
    private static AssemblyName Name(string name, string? version) =>
        new(version is null ? name : $"{name}, Version={version}, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51");

    [Theory]
    [InlineData("9.0.0.0", "9.0.0.0", true)]
    [InlineData("10.0.0.0", "9.0.0.0", true)]
    [InlineData("8.0.0.0", "9.0.0.0", false)]
    [InlineData(null, "9.0.0.0", false)]
    [InlineData("8.0.0.0", null, true)]
    public void A_loaded_copy_serves_when_it_is_as_new_as_the_request(string? loaded, string? requested, bool expected)
    {
        Assert.Equal(expected, AssemblyCheck.Satisfies(Name("System.Text.Json", loaded), Name("System.Text.Json", requested)));
    }

    [Fact]
    public void A_loaded_copy_of_another_assembly_never_serves()
    {
        Assert.False(AssemblyCheck.Satisfies(Name("System.Text.Encodings.Web", "10.0.0.0"), Name("System.Text.Json", "9.0.0.0")));
    }

    [Fact]
    public void An_older_loaded_version_is_reported_with_both_versions()
    {
        var problems = AssemblyCheck.OlderThanNeeded(
            new[] { Name("System.Text.Json", "9.0.0.0"), Name("netstandard", "2.0.0.0") },
            new[] { Name("System.Text.Json", "8.0.0.0"), Name("netstandard", "2.1.0.0"), Name("System.Private.CoreLib", "8.0.0.0") });
        var problem = Assert.Single(problems);
        Assert.Equal("System.Text.Json 9.0.0.0 is needed; 8.0.0.0 is loaded", problem);
    }

    [Fact]
    public void Nothing_is_reported_when_the_assembly_is_newer_or_not_loaded_yet()
    {
        var needed = new[] { Name("System.Text.Json", "9.0.0.0"), Name("Microsoft.Bcl.AsyncInterfaces", "9.0.0.0") };
        Assert.Empty(AssemblyCheck.OlderThanNeeded(needed, new[] { Name("System.Text.Json", "10.0.0.0") }));
        Assert.Empty(AssemblyCheck.OlderThanNeeded(needed, Array.Empty<AssemblyName>()));
    }

    [Fact]
    public void The_highest_needed_and_the_newest_loaded_versions_decide()
    {
        var needed = new[] { Name("System.Text.Json", "8.0.0.0"), Name("System.Text.Json", "9.0.0.0") };
        Assert.Single(AssemblyCheck.OlderThanNeeded(needed, new[] { Name("System.Text.Json", "8.0.0.0") }));
        Assert.Empty(AssemblyCheck.OlderThanNeeded(needed, new[] { Name("System.Text.Json", "8.0.0.0"), Name("System.Text.Json", "9.0.0.0") }));
    }

    [Fact]
    public void The_message_names_the_assembly_both_versions_and_what_to_do()
    {
        var message = AssemblyCheck.LoadProblem(new[] { Name("System.Text.Json", "9.0.0.0") }, new[] { Name("System.Text.Json", "8.0.0.0") });
        Assert.NotNull(message);
        Assert.Contains("System.Text.Json 9.0.0.0 is needed; 8.0.0.0 is loaded", message);
        Assert.Contains("PowerShell 7.5 or later", message);
        Assert.Contains("Windows PowerShell 5.1", message);
        Assert.Contains("new session", message);
    }

    [Fact]
    public void This_process_can_load_the_client()
    {
        // The test host runs on a .NET newer than everything the client references: no false alarm.
        Assert.Null(AssemblyCheck.LoadProblem(new[] { typeof(AssemblyCheck).Assembly }, AppDomain.CurrentDomain.GetAssemblies()));
    }

    [Fact]
    public void The_client_references_the_assembly_the_check_is_for()
    {
        // The check is only worth its place while the client depends on System.Text.Json from a package.
        var json = Assert.Single(typeof(AssemblyCheck).Assembly.GetReferencedAssemblies(), n => n.Name == "System.Text.Json");
        Assert.True(json.Version!.Major >= 8);
        var fake = AssemblyCheck.OlderThanNeeded(new[] { json }, new[] { Name("System.Text.Json", $"{json.Version.Major - 1}.0.0.0") });
        Assert.Contains($"System.Text.Json {json.Version}", Assert.Single(fake));
    }
}
