using System;
using System.Management.Automation;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// The last step before a message reaches a PowerShell stream: secrets masked and control characters replaced
    /// (<see cref="TerminalText"/>), because messages quote what a service said (statuses, error messages, ids).
    /// Records that are already clean pass through unchanged.
    /// </summary>
    internal static class SafeStreams
    {
        public static string Text(string? text) => TerminalText.Safe(text);

        public static ErrorRecord Record(ErrorRecord record)
        {
            var message = record.Exception?.Message;
            var details = record.ErrorDetails;
            var targetName = record.CategoryInfo.TargetName;
            if (!TerminalText.NeedsCleaning(message) && !TerminalText.NeedsCleaning(details?.Message) &&
                !TerminalText.NeedsCleaning(details?.RecommendedAction) && !TerminalText.NeedsCleaning(targetName))
                return record;

            // The exception's message is read-only: one whose message would reach the terminal raw is replaced by a
            // plain exception with the cleaned message (the module's own exceptions are clean when they are made).
            var exception = TerminalText.NeedsCleaning(message)
                ? new InvalidOperationException(TerminalText.Safe(message))
                : record.Exception!;
            var clean = new ErrorRecord(exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, record.TargetObject);
            if (details != null)
            {
                clean.ErrorDetails = new ErrorDetails(TerminalText.Safe(details.Message));
                if (details.RecommendedAction != null) clean.ErrorDetails.RecommendedAction = TerminalText.Safe(details.RecommendedAction);
            }
            if (targetName != null) clean.CategoryInfo.TargetName = TerminalText.Cell(targetName);
            return clean;
        }

        public static ProgressRecord Progress(ProgressRecord record)
        {
            if (!TerminalText.NeedsCleaning(record.Activity) && !TerminalText.NeedsCleaning(record.StatusDescription) &&
                !TerminalText.NeedsCleaning(record.CurrentOperation))
                return record;
            return new ProgressRecord(record.ActivityId, TerminalText.Cell(record.Activity), TerminalText.Cell(record.StatusDescription))
            {
                CurrentOperation = record.CurrentOperation is null ? null : TerminalText.Cell(record.CurrentOperation),
                ParentActivityId = record.ParentActivityId,
                PercentComplete = record.PercentComplete,
                SecondsRemaining = record.SecondsRemaining,
                RecordType = record.RecordType,
            };
        }
    }
}
