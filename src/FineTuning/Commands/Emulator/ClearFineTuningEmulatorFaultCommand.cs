using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Clear-FineTuningEmulatorFault: removes every pending fault.</summary>
    [Cmdlet(VerbsCommon.Clear, "FineTuningEmulatorFault")]
    public sealed class ClearFineTuningEmulatorFaultCommand : EmulatorControlCommand
    {
        protected override void ProcessRecord() =>
            Control(async (client, ct) =>
            {
                await client.Emulator.ClearFaultsAsync(ct).ConfigureAwait(false);
                return true;
            }, null, "InvalidFault");
    }
}
