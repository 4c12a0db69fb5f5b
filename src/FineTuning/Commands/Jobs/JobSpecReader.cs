using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>Reads job specs for New-FineTuningJob -Spec: a .psd1 or .json file, or a hashtable.</summary>
    internal static class JobSpecReader
    {
        /// <summary>
        /// The spec's data, where it came from (for errors) and the folder its relative data paths start from.
        /// Throws <see cref="JobSpecException"/> for a spec that cannot be read.
        /// </summary>
        public static (IDictionary Data, string Source, string BaseFolder) Load(PSCmdlet cmdlet, object spec)
        {
            spec = CmdletHelpers.Unwrap(spec)!;
            var here = cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            if (spec is IDictionary table)
            {
                var plain = CmdletHelpers.ToPlain(table) as IDictionary ?? new Hashtable();
                return (Copy(plain), "(hashtable)", here);
            }
            if (spec is FileInfo info) spec = info.FullName;
            if (!(spec is string text) || text.Trim().Length == 0)
                throw new JobSpecException("(argument)", null, "-Spec takes the path of a .psd1 or .json file, or a hashtable of settings.");
            string full;
            try
            {
                full = cmdlet.GetUnresolvedProviderPathFromPSPath(text);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                throw new JobSpecException(text, null, $"the path cannot be used: {ex.Message}", JobSpecProblem.FileNotFound);
            }
            if (!File.Exists(full)) throw new JobSpecException(full, null, "the spec file does not exist.", JobSpecProblem.FileNotFound);
            var folder = Path.GetDirectoryName(full) ?? here;
            var extension = Path.GetExtension(full).ToLowerInvariant();
            if (extension == ".json")
            {
                return (JsonData(full), full, folder);
            }
            if (extension != ".psd1")
                throw new JobSpecException(full, null, $"a spec is a PowerShell data file (.psd1) or a JSON file (.json), not '{extension}'.");
            return (PowerShellData(full), full, folder);
        }

        /// <summary>Parameters given with -Spec (<paramref name="bound"/>) replace the spec's keys of the same name.</summary>
        public static void ApplyOverrides(PSCmdlet cmdlet, IDictionary data, System.Collections.Generic.IDictionary<string, object?> bound, TrainingMethod method)
        {
            foreach (var key in JobSpec.Keys)
            {
                if (!bound.TryGetValue(key, out var value)) continue;
                value = CmdletHelpers.Unwrap(value);
                switch (key)
                {
                    case "TrainingFile":
                    case "ValidationFile":
                        var id = JobFileArgument.FileId(value, key);
                        string local;
                        try
                        {
                            local = cmdlet.GetUnresolvedProviderPathFromPSPath(id);
                        }
                        catch (Exception ex) when (!(ex is PipelineStoppedException))
                        {
                            local = id;
                        }
                        value = File.Exists(local) ? local : id;
                        break;
                    case "Method":
                        value = method.ToString();
                        break;
                    case "WandbTag":
                        value = ((string[])value!).ToList<object?>();
                        break;
                    case "Grader":
                    case "Metadata":
                    case "Hyperparameters":
                        value = CmdletHelpers.ToPlain(value);
                        break;
                }
                data[key] = value;
            }
        }

        private static IDictionary Copy(IDictionary source)
        {
            var copy = new System.Collections.Specialized.OrderedDictionary(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in source)
            {
                var key = Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                if (copy.Contains(key)) throw new JobSpecException("(hashtable)", key, "the key appears twice.");
                copy[key] = e.Value;
            }
            return copy;
        }

        private static IDictionary JsonData(string full) => JobSpec.ParseJson(File.ReadAllText(full), full);

        /// <summary>A .psd1 read as Import-PowerShellDataFile reads it: one hashtable of constants, nothing run.</summary>
        private static IDictionary PowerShellData(string full)
        {
            var ast = Parser.ParseFile(full, out _, out var errors);
            if (errors.Length > 0)
            {
                var e = errors[0];
                throw new JobSpecException(full, null, $"line {e.Extent.StartLineNumber}: {e.Message}");
            }
            var statements = ast.EndBlock?.Statements;
            var hash = statements != null && statements.Count == 1 && statements[0] is PipelineAst p && p.PipelineElements.Count == 1 &&
                p.PipelineElements[0] is CommandExpressionAst c ? c.Expression as HashtableAst : null;
            if (hash is null || ast.ParamBlock != null || ast.BeginBlock != null || ast.ProcessBlock != null)
                throw new JobSpecException(full, null, "a .psd1 spec holds one hashtable, @{ Model = '...'; TrainingFile = '...' }, and nothing else.");
            var data = new System.Collections.Specialized.OrderedDictionary(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in hash.KeyValuePairs)
            {
                var key = pair.Item1 is StringConstantExpressionAst k ? k.Value : pair.Item1.Extent.Text;
                object? value;
                try
                {
                    value = pair.Item2.SafeGetValue();
                }
                catch (InvalidOperationException)
                {
                    throw new JobSpecException(full, key, $"line {pair.Item2.Extent.StartLineNumber}: the value must be a constant (text, a number, a table or a list); " +
                        "a data file runs no commands and reads no variables.");
                }
                if (data.Contains(key)) throw new JobSpecException(full, key, $"line {pair.Item1.Extent.StartLineNumber}: the key appears twice.");
                data[key] = CmdletHelpers.ToPlain(value);
            }
            return data;
        }
    }
}
