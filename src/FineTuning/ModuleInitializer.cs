using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace FineTuning.Commands
{
    /// <summary>
    /// Lets Windows PowerShell 5.1 find the module's dependencies (System.Text.Json and the rest) next to
    /// FineTuning.dll: .NET Framework only probes the application's folder. PowerShell 7 resolves them by
    /// itself, and this handler is then only a fallback.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleDirectory =
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty;

        public void OnImport()
        {
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
            foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (string.Equals(loaded.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase)) return loaded;
            }
            return Assembly.LoadFrom(candidate);
        }
    }
}
