using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Helpers shared by the cmdlets.</summary>
    internal static class CmdletHelpers
    {
        public static IDictionary<string, string>? ToStringMap(System.Collections.IDictionary? table, string parameterName)
        {
            if (table is null) return null;
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (System.Collections.DictionaryEntry entry in table)
            {
                var key = Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                var value = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
                if (value is null)
                    throw new ParameterValidationException(parameterName, $"-{parameterName}: the value of '{key}' is null; metadata values must be strings.");
                map[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }
            return map;
        }

        /// <summary>A hashtable as a case-insensitive map of plain values (keys as invariant text).</summary>
        public static Dictionary<string, object?> ToObjectMap(System.Collections.IDictionary table)
        {
            var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (System.Collections.DictionaryEntry entry in table)
            {
                map[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = Unwrap(entry.Value);
            }
            return map;
        }

        public static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

        /// <summary>
        /// A PowerShell value as plain .NET data for JSON: wrappers removed at every depth, objects such as
        /// ConvertFrom-Json output turned into ordered dictionaries of their properties.
        /// </summary>
        public static object? ToPlain(object? value, int depth = 0)
        {
            if (depth > 64) throw new ArgumentException("The value is nested too deeply (more than 64 levels) to turn into JSON.");
            if (value is PSObject ps)
            {
                if (!(ps.BaseObject is PSCustomObject)) return ToPlain(ps.BaseObject, depth);
                var map = new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal);
                foreach (var property in ps.Properties)
                {
                    if (property.MemberType == PSMemberTypes.NoteProperty || property.MemberType == PSMemberTypes.Property)
                        map[property.Name] = ToPlain(property.Value, depth + 1);
                }
                return map;
            }
            switch (value)
            {
                case null:
                case string _:
                    return value;
                case System.Collections.IDictionary dict:
                    var copy = new System.Collections.Specialized.OrderedDictionary();
                    foreach (System.Collections.DictionaryEntry entry in dict) copy[Unwrap(entry.Key) ?? string.Empty] = ToPlain(entry.Value, depth + 1);
                    return copy;
                case System.Collections.IEnumerable list:
                    var items = new List<object?>();
                    foreach (var item in list) items.Add(ToPlain(item, depth + 1));
                    return items;
                default:
                    return value;
            }
        }

        /// <summary>
        /// The files a -Path names: wildcards expanded in PowerShell's way (a pattern that matches no file is an error,
        /// folders it matches are passed over), anything else resolved as <see cref="ResolveExistingFile"/> does.
        /// Errors are written, never thrown.
        /// </summary>
        public static IReadOnlyList<string> ResolveFiles(PSCmdlet cmdlet, string item, bool literal)
        {
            if (literal || !WildcardPattern.ContainsWildcardCharacters(item))
            {
                var one = ResolveExistingFile(cmdlet, item);
                return one is null ? Array.Empty<string>() : new[] { one };
            }
            List<string> files;
            try
            {
                var matches = cmdlet.GetResolvedProviderPathFromPSPath(item, out var provider);
                if (provider.Name != "FileSystem")
                {
                    cmdlet.WriteError(new ErrorRecord(new ArgumentException($"'{item}' is not a path in the file system."), "InvalidPath", ErrorCategory.InvalidArgument, item));
                    return Array.Empty<string>();
                }
                files = matches.Where(System.IO.File.Exists).OrderBy(p => p, StringComparer.Ordinal).ToList();
            }
            catch (ItemNotFoundException)
            {
                files = new List<string>();
            }
            catch (Exception ex)
            {
                cmdlet.WriteError(new ErrorRecord(ex, "InvalidPath", ErrorCategory.InvalidArgument, item));
                return Array.Empty<string>();
            }
            if (files.Count == 0)
            {
                cmdlet.WriteError(new ErrorRecord(new System.IO.FileNotFoundException($"No file matches '{item}'."), "PathNotFound", ErrorCategory.ObjectNotFound, item));
            }
            return files;
        }

        /// <summary>
        /// The full path of an existing file, or null after writing the error a user should see: a path
        /// that cannot be resolved (InvalidPath), a folder (PathIsDirectory), nothing there (PathNotFound).
        /// </summary>
        public static string? ResolveExistingFile(PSCmdlet cmdlet, string item)
        {
            string full;
            try
            {
                full = cmdlet.GetUnresolvedProviderPathFromPSPath(item);
            }
            catch (Exception ex)
            {
                cmdlet.WriteError(new ErrorRecord(ex, "InvalidPath", ErrorCategory.InvalidArgument, item));
                return null;
            }
            if (System.IO.Directory.Exists(full))
            {
                cmdlet.WriteError(new ErrorRecord(new System.IO.IOException($"'{full}' is a directory; -Path takes a file."), "PathIsDirectory", ErrorCategory.InvalidArgument, item));
                return null;
            }
            if (!System.IO.File.Exists(full))
            {
                cmdlet.WriteError(new ErrorRecord(new System.IO.FileNotFoundException($"File '{full}' does not exist.", full), "PathNotFound", ErrorCategory.ObjectNotFound, item));
                return null;
            }
            return full;
        }

    }
}
