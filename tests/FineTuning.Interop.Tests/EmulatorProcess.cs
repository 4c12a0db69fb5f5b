using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FineTuning.Interop.Tests;

/// <summary>The stand-alone emulator (finetuning-emulator.dll, built beside the tests) running in a process of its own.</summary>
public sealed partial class EmulatorProcess : IDisposable
{
    private readonly Process _process;

    private EmulatorProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    /// <summary>The API base, http://127.0.0.1:PORT/v1.</summary>
    public Uri BaseUri { get; }

    public Uri Origin => new Uri(BaseUri.GetLeftPart(UriPartial.Authority));

    /// <summary>Starts the host on a free port with the given arguments and waits for the line that names its address.</summary>
    public static EmulatorProcess Start(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "finetuning-emulator.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("The emulator host was not built beside the tests.", dll);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add("0");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment.Remove("FINETUNING_EMULATOR_API_KEY");
        var process = Process.Start(info) ?? throw new InvalidOperationException("The emulator host did not start.");
        var line = process.StandardOutput.ReadLine() ?? string.Empty;
        var match = BaseUriPattern().Match(line);
        if (!match.Success)
        {
            process.Kill();
            throw new InvalidOperationException($"The emulator host did not start: {line} {process.StandardError.ReadToEnd()}");
        }
        // Keep reading what it writes, so a full pipe never blocks it.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new EmulatorProcess(process, new Uri(match.Value));
    }

    [GeneratedRegex(@"http://\S+/v1")]
    private static partial Regex BaseUriPattern();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
