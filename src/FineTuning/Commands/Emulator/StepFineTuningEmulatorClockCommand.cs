using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>Step-FineTuningEmulatorClock: moves the emulator's virtual clock forward.</summary>
    [Cmdlet(VerbsCommon.Step, "FineTuningEmulatorClock")]
    [OutputType(typeof(DateTimeOffset))]
    public sealed class StepFineTuningEmulatorClockCommand : EmulatorControlCommand
    {
        /// <summary>How far to move the clock, e.g. (New-TimeSpan -Minutes 30) or '00:30:00'.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public TimeSpan By { get; set; }

        [Parameter] public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (By < TimeSpan.Zero)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(By), By, "-By must not be negative: the clock only moves forward."),
                    "InvalidBy", ErrorCategory.InvalidArgument, By));
            }
            var now = Control((client, ct) => client.Emulator.AdvanceClockAsync(By, ct), By, "InvalidBy");
            if (PassThru) WriteObject(now);
        }
    }
}
