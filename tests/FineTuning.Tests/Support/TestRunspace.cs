using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Microsoft.PowerShell.Commands;

namespace FineTuning.Tests;

/// <summary>
/// A PowerShell runspace with nothing but the file system provider and the cmdlets a test names, its current location a
/// fresh temporary folder: where the module's path helpers resolve -Path as they do in a user's session.
/// </summary>
public sealed class TestRunspace : IDisposable
{
    private readonly Runspace _runspace;

    public TestRunspace(params (string Name, Type Cmdlet)[] cmdlets)
    {
        Folder = Directory.CreateTempSubdirectory("finetuning-tests-").FullName;
        var state = InitialSessionState.Create();
        state.Providers.Add(new SessionStateProviderEntry("FileSystem", typeof(FileSystemProvider), null));
        foreach (var (name, type) in cmdlets) state.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        _runspace.SessionStateProxy.Path.SetLocation(Folder);
    }

    /// <summary>The current location of the runspace, deleted with it.</summary>
    public string Folder { get; }

    public string File(string relative, string content = "{}\n")
    {
        var path = Path.Combine(Folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs one command; its output and the errors it wrote.</summary>
    public (Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) Invoke(string command, IDictionary<string, object?> parameters)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddCommand(command);
        foreach (var (name, value) in parameters) shell.AddParameter(name, value);
        var output = shell.Invoke();
        return (output, shell.Streams.Error.ToList());
    }

    public void Dispose()
    {
        _runspace.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
