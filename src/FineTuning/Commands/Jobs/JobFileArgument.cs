using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>The files New-FineTuningJob names (-TrainingFile, -ValidationFile): ids, file objects, or anything with an Id.</summary>
    internal static class JobFileArgument
    {
        /// <summary>A file id from a string, a file object, or anything with an Id property.</summary>
        public static string FileId(object? value, string parameterName)
        {
            // The wrapper holds the properties of a [pscustomobject] (Select-Object, Import-Csv): read them there.
            var wrapper = value as PSObject;
            value = CmdletHelpers.Unwrap(value);
            switch (value)
            {
                case string s when !string.IsNullOrWhiteSpace(s):
                    return s.Trim();
                case FineTuningFile f:
                    return f.Id;
                case null:
                    break;
                default:
                    var id = (wrapper ?? PSObject.AsPSObject(value)).Properties["Id"]?.Value as string;
                    if (!string.IsNullOrWhiteSpace(id)) return id!;
                    break;
            }
            throw new ParameterValidationException(parameterName,
                $"-{parameterName} takes a file id such as 'file-abc123' or a file object from Add-FineTuningFile or Get-FineTuningFile.", value);
        }

        /// <summary>
        /// A file id as <see cref="FileId"/> reads it, refusing a string that names a file on this computer
        /// (<paramref name="localPath"/> turns it into a path, or null where it cannot be one): the service only knows
        /// uploaded files, and would answer that the "file" does not exist.
        /// </summary>
        public static string RemoteFileId(object? value, string parameterName, Func<string, string?> localPath, string model)
        {
            var id = FileId(value, parameterName);
            if (id.StartsWith("file-", StringComparison.Ordinal)) return id;
            var local = localPath(id);
            if (local is null || !System.IO.File.Exists(local)) return id;
            var example = parameterName == "TrainingFile"
                ? $"Add-FineTuningFile '{id}' | New-FineTuningJob -Model {model}"
                : $"-ValidationFile (Add-FineTuningFile '{id}')";
            throw new ParameterValidationException(parameterName,
                $"-{parameterName} '{id}' is a file on this computer; the service only knows uploaded files. " +
                $"Upload it first with Add-FineTuningFile and pass what it returns, e.g. {example}.", id);
        }

        /// <summary>A PowerShell path as a file system path, or null where it cannot be one (another provider, a bad path).</summary>
        public static string? LocalPath(PSCmdlet cmdlet, string path)
        {
            try
            {
                return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is ProviderNotFoundException ||
                ex is DriveNotFoundException || ex is ProviderInvocationException || ex is System.IO.PathTooLongException)
            {
                return null;
            }
        }
    }
}
