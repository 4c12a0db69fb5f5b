using System.Management.Automation;
using System.Security;
using FineTuning.Client;

namespace FineTuning.Commands
{
    /// <summary>
    /// Lets a <see cref="SecureString"/> parameter (an API key, a token) also take a plain string, as
    /// <c>-ApiKey $env:OPENAI_API_KEY</c> or a key read from a vault gives one. The string becomes a
    /// SecureString at once and is added to the masker, so it is never shown, as keys given any other
    /// way. Anything else goes to PowerShell's binder unchanged.
    /// </summary>
    internal sealed class SecureStringArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (!(value is string text)) return inputData;
            if (text.Length == 0) return null; // refused by the parameter's ValidateNotNull, as an empty key should be
            SecretMasker.Register(text);
            return FineTuningConnection.ToSecureString(text);
        }
    }
}
