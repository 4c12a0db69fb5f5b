// A PowerShell host that keeps what is written straight to it (Host.UI), for tests of messages that go past the
// pipeline's streams: what a cmdlet tells the user after Ctrl+C, when its streams are already closed.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace FineTuning.Tests
{
    public sealed class RecordingHost : PSHost
    {
        private readonly RecordingHostUI _ui = new RecordingHostUI();
        private readonly Guid _id = Guid.NewGuid();

        public List<string> Warnings => _ui.Warnings;
        public List<string> Lines => _ui.Lines;
        public RecordingHostUI Recorder => _ui;

        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override Guid InstanceId => _id;
        public override string Name => "RecordingHost";
        public override PSHostUserInterface UI => _ui;
        public override Version Version => new Version(1, 0);
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    public sealed class RecordingHostUI : PSHostUserInterface
    {
        public List<string> Warnings { get; } = new List<string>();
        public List<string> Lines { get; } = new List<string>();

        /// <summary>What Read-Host -AsSecureString gets, as a user typing a key at the prompt.</summary>
        public string SecureAnswer { get; set; } = string.Empty;

        public override PSHostRawUserInterface RawUI => null;
        // Read-Host -Prompt asks through Prompt: a secure field gets SecureAnswer, any other an empty line.
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            var answers = new Dictionary<string, PSObject>();
            foreach (var field in descriptions)
            {
                Write(field.Name + ": ");
                answers[field.Name] = field.ParameterTypeFullName == typeof(SecureString).FullName
                    ? new PSObject(ReadLineAsSecureString())
                    : new PSObject(string.Empty);
            }
            return answers;
        }
        // A confirmation is answered with its default choice (Yes, for ShouldProcess), and kept as a line of its own.
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Write("[" + caption + "] " + message);
            return defaultChoice;
        }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override string ReadLine() => string.Empty;
        public override SecureString ReadLineAsSecureString()
        {
            var answer = new SecureString();
            foreach (var c in SecureAnswer) answer.AppendChar(c);
            answer.MakeReadOnly();
            return answer;
        }
        public override void Write(string value) { lock (Lines) Lines.Add(value); }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
        public override void WriteLine(string value) => Write(value);
        public override void WriteErrorLine(string value) => Write(value);
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { lock (Warnings) Warnings.Add(message); }
    }
}
