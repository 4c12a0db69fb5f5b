using System.Management.Automation;
using FineTuning.Commands;
using Xunit;

namespace FineTuning.Tests;

/// <summary>Calls the module's path helpers from inside a pipeline, as the cmdlets that take -Path do.</summary>
[Cmdlet("Resolve", "TestPath")]
public sealed class ResolveTestPathCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)] public string Path { get; set; } = string.Empty;
    [Parameter] public SwitchParameter Literal { get; set; }
    /// <summary>Files (ResolveFiles), One (ResolveExistingFile) or Local (JobFileArgument.LocalPath).</summary>
    [Parameter] public string Mode { get; set; } = "Files";

    protected override void ProcessRecord()
    {
        switch (Mode)
        {
            case "One":
                var one = CmdletHelpers.ResolveExistingFile(this, Path);
                if (one != null) WriteObject(one);
                break;
            case "Local":
                WriteObject(JobFileArgument.LocalPath(this, Path) ?? "(none)");
                break;
            default:
                foreach (var file in CmdletHelpers.ResolveFiles(this, Path, Literal)) WriteObject(file);
                break;
        }
    }
}

/// <summary>How -Path, -LiteralPath and file arguments are resolved: against the session's location, with PowerShell's wildcards.</summary>
public sealed class PathResolutionTests : IDisposable
{
    private readonly TestRunspace _shell = new(("Resolve-TestPath", typeof(ResolveTestPathCommand)));

    public void Dispose() => _shell.Dispose();

    /// <summary>The ErrorId a cmdlet gave (PowerShell appends the command's name).</summary>
    private static string Id(ErrorRecord record) => record.FullyQualifiedErrorId.Split(',')[0];

    private (string[] Files, IReadOnlyList<ErrorRecord> Errors) Resolve(string path, string mode = "Files", bool literal = false)
    {
        var (output, errors) = _shell.Invoke("Resolve-TestPath", new Dictionary<string, object?>
        {
            ["Path"] = path, ["Mode"] = mode, ["Literal"] = new SwitchParameter(literal),
        });
        return (output.Select(o => (string)o.BaseObject).ToArray(), errors);
    }

    [Fact]
    public void A_relative_path_is_resolved_against_the_sessions_location()
    {
        var train = _shell.File("data/train.jsonl");
        var (files, errors) = Resolve("data/train.jsonl");
        Assert.Empty(errors);
        Assert.Equal(new[] { train }, files);
    }

    [Fact]
    public void A_wildcard_expands_to_the_matching_files_in_order_and_passes_folders_over()
    {
        var b = _shell.File("b.jsonl");
        var a = _shell.File("a.jsonl");
        Directory.CreateDirectory(Path.Combine(_shell.Folder, "c.jsonl"));
        _shell.File("notes.txt");
        var (files, errors) = Resolve("*.jsonl");
        Assert.Empty(errors);
        Assert.Equal(new[] { a, b }, files);
    }

    [Fact]
    public void A_wildcard_that_matches_nothing_is_PathNotFound()
    {
        var (files, errors) = Resolve("*.jsonl");
        Assert.Empty(files);
        var error = Assert.Single(errors);
        Assert.Equal("PathNotFound", Id(error));
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("*.jsonl", error.TargetObject);
    }

    [Fact]
    public void A_literal_path_takes_brackets_as_characters()
    {
        var odd = _shell.File("run[1].jsonl");
        Assert.Equal(new[] { odd }, Resolve("run[1].jsonl", literal: true).Files);
        // As a pattern, [1] is a set of one character: 'run1.jsonl', which does not exist.
        Assert.Equal("PathNotFound", Id(Assert.Single(Resolve("run[1].jsonl").Errors)));
    }

    [Fact]
    public void A_missing_file_is_PathNotFound_and_a_folder_is_PathIsDirectory()
    {
        var missing = Resolve("missing.jsonl", "One");
        Assert.Empty(missing.Files);
        var error = Assert.Single(missing.Errors);
        Assert.Equal("PathNotFound", Id(error));
        Assert.Contains(Path.Combine(_shell.Folder, "missing.jsonl"), error.Exception.Message);

        Directory.CreateDirectory(Path.Combine(_shell.Folder, "data"));
        var folder = Assert.Single(Resolve("data", "One").Errors);
        Assert.Equal("PathIsDirectory", Id(folder));
        Assert.Equal(ErrorCategory.InvalidArgument, folder.CategoryInfo.Category);
    }

    [Fact]
    public void A_path_of_a_drive_that_does_not_exist_is_InvalidPath()
    {
        var error = Assert.Single(Resolve("nosuchdrive:/train.jsonl", "One").Errors);
        Assert.Equal("InvalidPath", Id(error));
    }

    [Fact]
    public void A_file_argument_is_a_local_path_only_where_the_file_system_can_hold_it()
    {
        Assert.Equal(new[] { Path.Combine(_shell.Folder, "train.jsonl") }, Resolve("train.jsonl", "Local").Files);
        Assert.Equal(new[] { "(none)" }, Resolve("nosuchdrive:/train.jsonl", "Local").Files);
    }
}
