using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using FineTuning.Datasets;

namespace FineTuning.Client
{
    /// <summary>A setting of a job that has no equivalent on the service it is sent to, and what to use instead.</summary>
    public sealed class TargetMismatch
    {
        public TargetMismatch(string setting, string message, string? suggestion)
        {
            Setting = setting;
            Message = message;
            Suggestion = suggestion;
        }

        /// <summary>The setting at fault, by New-FineTuningJob's parameter name (Model, Method, Suffix).</summary>
        public string Setting { get; }

        public string Message { get; }

        /// <summary>The value to use instead, when there is one.</summary>
        public string? Suggestion { get; }

        public override string ToString() => Message;
    }

    /// <summary>
    /// Checks that a job's settings exist on the service a connection reaches, before anything is uploaded: a job
    /// moved from OpenAI to Azure OpenAI (or back) carries names and methods in the other service's terms. Only
    /// what is known to differ is refused; everything else is left to the service.
    /// </summary>
    public static class ServiceTarget
    {
        private static readonly Regex AzureFineTuned = new Regex(@"^(?<base>.+?)\.ft-[0-9a-f]{32}(?:-[A-Za-z0-9_-]+)?(?::ckpt-step-\d+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex OpenAIFineTuned = new Regex(@"^ft:(?<base>[^:]+):", RegexOptions.CultureInvariant);
        private static readonly Regex AzureSuffix = new Regex("^[A-Za-z0-9_-]{1,40}$", RegexOptions.CultureInvariant);

        /// <summary>The first setting of <paramref name="options"/> that the service of <paramref name="kind"/> has no equivalent for, or null.</summary>
        public static TargetMismatch? Check(NewJobOptions options, ServiceKind kind, string? apiVersion)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            var model = options.Model?.Trim() ?? string.Empty;
            var method = options.EffectiveMethod;
            switch (kind)
            {
                case ServiceKind.AzureOpenAI:
                {
                    var ft = OpenAIFineTuned.Match(model);
                    if (ft.Success)
                    {
                        return new TargetMismatch("Model",
                            $"Model '{model}' is a model fine-tuned on OpenAI; Azure OpenAI cannot train it further. " +
                            $"Set Model to its base model, '{ft.Groups["base"].Value}', to train it again from the start on the same data, or to a model fine-tuned on this Azure resource.",
                            ft.Groups["base"].Value);
                    }
                    if (model.StartsWith("gpt-3.5-turbo", StringComparison.Ordinal))
                    {
                        var azure = "gpt-35-turbo" + model.Substring("gpt-3.5-turbo".Length);
                        if (azure == "gpt-35-turbo") azure = "gpt-35-turbo-0125";
                        return new TargetMismatch("Model", $"Azure OpenAI names this model without the dot: set Model to '{azure}' instead of '{model}'.", azure);
                    }
                    var known = BaseModels.Find(model);
                    if (known != null && known.Alias == model && known.Snapshot != model)
                    {
                        return new TargetMismatch("Model",
                            $"Azure OpenAI fine-tunes models by their dated version; '{model}' is OpenAI's alias. Set Model to '{known.Snapshot}'.", known.Snapshot);
                    }
                    if (known != null && !known.Supports(method))
                    {
                        var other = BaseModels.Known.FirstOrDefault(m => m.Supports(method));
                        return new TargetMismatch("Method",
                            $"Model '{known.Snapshot}' does not offer {method} fine-tuning; it takes {string.Join(", ", known.Methods)}. " +
                            (other is null ? "Change Method." : $"Change Method, or set Model to one that offers it, such as '{other.Snapshot}'."),
                            other?.Snapshot);
                    }
                    if (method == TrainingMethod.Reinforcement && apiVersion != null && IsDatedBefore(apiVersion, "2025-04-01-preview", inclusive: true))
                    {
                        return new TargetMismatch("Method",
                            $"The Azure OpenAI API version {apiVersion} offers supervised and DPO fine-tuning only; Reinforcement needs a newer version. " +
                            "Connect with the v1 API (Connect-FineTuningService -Azure without -ApiVersion), or change Method.", null);
                    }
                    if (options.Suffix != null && !AzureSuffix.IsMatch(options.Suffix))
                    {
                        var cleaned = Regex.Replace(options.Suffix, "[^A-Za-z0-9_-]", "-");
                        if (cleaned.Length > 40) cleaned = cleaned.Substring(0, 40);
                        return new TargetMismatch("Suffix",
                            $"Azure OpenAI takes a suffix of at most 40 characters of A-Z, a-z, 0-9, '_' and '-'; '{options.Suffix}' is not one. Set Suffix to '{cleaned}', for example.", cleaned);
                    }
                    return null;
                }
                case ServiceKind.OpenAI:
                case ServiceKind.Emulator:
                {
                    var ft = AzureFineTuned.Match(model);
                    if (ft.Success)
                    {
                        var baseName = OpenAIName(ft.Groups["base"].Value);
                        return new TargetMismatch("Model",
                            $"Model '{model}' is a model fine-tuned on Azure OpenAI; OpenAI cannot train it further. " +
                            $"Set Model to its base model, '{baseName}', to train it again from the start on the same data.", baseName);
                    }
                    if (model.StartsWith("gpt-35-turbo", StringComparison.Ordinal))
                    {
                        var openai = OpenAIName(model);
                        return new TargetMismatch("Model", $"OpenAI names this model with a dot: set Model to '{openai}' instead of '{model}'.", openai);
                    }
                    return null;
                }
                default:
                    return null;
            }
        }

        private static string OpenAIName(string model) =>
            model.StartsWith("gpt-35-turbo", StringComparison.Ordinal) ? "gpt-3.5-turbo" + model.Substring("gpt-35-turbo".Length) : model;

        /// <summary>True when a dated api-version (yyyy-mm-dd[-preview]) is before (or, inclusive, the same as) another.</summary>
        private static bool IsDatedBefore(string version, string than, bool inclusive)
        {
            if (!DateTime.TryParseExact(version.Length >= 10 ? version.Substring(0, 10) : version, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var a)) return false;
            var b = DateTime.ParseExact(than.Substring(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            return inclusive ? a <= b : a < b;
        }
    }
}
