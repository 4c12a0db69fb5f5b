using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace FineTuning.Commands
{
    /// <summary>
    /// Lets Windows PowerShell 5.1 find the module's dependencies (System.Text.Json and the rest) next to
    /// FineTuning.dll: .NET Framework only probes the application's folder. PowerShell 7 resolves them by
    /// itself, and this handler is then only a fallback; there the import stops with a clear error when the
    /// process already holds older versions of them than the module needs.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleDirectory =
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty;

        public void OnImport()
        {
            if (typeof(object).Assembly.GetName().Name == "System.Private.CoreLib")
            {
                // PowerShell 7: one version of each assembly per process. If PowerShell already holds an older
                // System.Text.Json (and the like) than the module was built with, say so now rather than fail
                // with an assembly load error in the first cmdlet.
                var problem = AssemblyCheck.LoadProblem(
                    new[] { typeof(ModuleInitializer).Assembly, typeof(FineTuning.Client.FineTuningConnection).Assembly },
                    AppDomain.CurrentDomain.GetAssemblies());
                if (problem != null) throw new PSNotSupportedException(problem);
            }
            AppDomain.CurrentDomain.AssemblyResolve += Resolve;
        }

        public void OnRemove(PSModuleInfo module)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            if (string.IsNullOrEmpty(name.Name)) return null;
            var candidate = Path.Combine(ModuleDirectory, name.Name + ".dll");
            if (!File.Exists(candidate)) return null;
            // A copy that is already loaded serves if it is at least as new as the one asked for; an older one
            // (another module's) would fail later with missing members, so the module's own copy is loaded
            // beside it (Windows PowerShell allows that).
            foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (AssemblyCheck.Satisfies(loaded.GetName(), name)) return loaded;
            }
            return Assembly.LoadFrom(candidate);
        }
    }
}
