using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace FineTuning.Commands
{
    /// <summary>
    /// Decides whether the module's dependencies can be loaded next to what the process already holds.
    /// On .NET (PowerShell 7) a process keeps one version of an assembly: when PowerShell has already
    /// loaded, say, System.Text.Json 8 (PowerShell 7.4 runs on .NET 8), the module's references to
    /// version 9 cannot be satisfied and every cmdlet would fail with an assembly load error. Finding that
    /// at import lets the module say so plainly. Nothing here touches the dependencies themselves.
    /// </summary>
    public static class AssemblyCheck
    {
        /// <summary>Whether an assembly that is already loaded can stand in for a requested one (same name, same or newer version).</summary>
        public static bool Satisfies(AssemblyName loaded, AssemblyName requested)
        {
            if (loaded is null) throw new ArgumentNullException(nameof(loaded));
            if (requested is null) throw new ArgumentNullException(nameof(requested));
            if (!string.Equals(loaded.Name, requested.Name, StringComparison.OrdinalIgnoreCase)) return false;
            return requested.Version is null || (loaded.Version != null && loaded.Version >= requested.Version);
        }

        /// <summary>
        /// The needed assemblies that are loaded only in an older version, one line each
        /// ("System.Text.Json 9.0.0.0 is needed; 8.0.0.0 is loaded"). Empty when nothing is in the way.
        /// </summary>
        public static IReadOnlyList<string> OlderThanNeeded(IEnumerable<AssemblyName> needed, IEnumerable<AssemblyName> loaded)
        {
            if (needed is null) throw new ArgumentNullException(nameof(needed));
            if (loaded is null) throw new ArgumentNullException(nameof(loaded));
            var byName = new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in loaded)
            {
                if (string.IsNullOrEmpty(name?.Name)) continue;
                // With several versions loaded (possible only on .NET Framework), the newest decides.
                if (!byName.TryGetValue(name!.Name!, out var seen) || (name.Version ?? new Version()) > (seen.Version ?? new Version()))
                    byName[name.Name!] = name;
            }
            var problems = new List<string>();
            foreach (var want in needed.Where(n => !string.IsNullOrEmpty(n?.Name)).GroupBy(n => n.Name!, StringComparer.OrdinalIgnoreCase))
            {
                var highest = want.OrderByDescending(n => n.Version ?? new Version()).First();
                if (byName.TryGetValue(want.Key, out var have) && !Satisfies(have, highest))
                    problems.Add($"{highest.Name} {highest.Version} is needed; {have.Version} is loaded");
            }
            return problems;
        }

        /// <summary>
        /// For the module's own assemblies: what they reference that the current process already holds in an
        /// older version, as a message for the user, or null when the module can load. Only meaningful on .NET
        /// (PowerShell 7); on .NET Framework assemblies of different versions can live side by side.
        /// </summary>
        public static string? LoadProblem(IEnumerable<Assembly> moduleAssemblies, IEnumerable<Assembly> loadedAssemblies) =>
            LoadProblem(moduleAssemblies.SelectMany(a => a.GetReferencedAssemblies()), loadedAssemblies.Select(a => a.GetName()));

        /// <summary>The same, from assembly names: what the module references, and what the process holds.</summary>
        public static string? LoadProblem(IEnumerable<AssemblyName> needed, IEnumerable<AssemblyName> loaded)
        {
            var problems = OlderThanNeeded(needed, loaded);
            if (problems.Count == 0) return null;
            return "FineTuning cannot load in this PowerShell: " + string.Join("; ", problems) + ". " +
                "PowerShell 7.4 and older run on a .NET that carries these older versions; use PowerShell 7.5 or later, " +
                "or Windows PowerShell 5.1. If another module loaded the older copy, start a new session and import FineTuning first.";
        }
    }
}
