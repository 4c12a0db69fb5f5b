using System.Management.Automation;

namespace FineTuning.Commands
{
    /// <summary>Stop-FineTuningEmulator: stops the emulator and drops the connection to it.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "FineTuningEmulator")]
    public sealed class StopFineTuningEmulatorCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            if (ModuleSession.Emulator is null)
            {
                WriteVerbose("No emulator is running.");
                return;
            }
            StopCurrent();
        }

        internal static void StopCurrent()
        {
            if (!(ModuleSession.Emulator is EmulatorSession session)) return;
            ModuleSession.Emulator = null;
            if (ReferenceEquals(ModuleSession.Connection, session.Connection)) ModuleSession.Connection = null;
            session.Dispose();
        }
    }
}
