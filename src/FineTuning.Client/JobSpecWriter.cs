using System;
using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FineTuning.Client
{
    /// <summary>
    /// Writes job specs: the spec of an existing job, as a PowerShell data file or as JSON, which <see cref="JobSpec"/>
    /// reads back (Convert-FineTuningJobSpec, the job archive).
    /// </summary>
    public static class JobSpecWriter
    {
        /// <summary>
        /// The spec of an existing job: its model, method, the hyperparameters it used, suffix, seed, metadata and
        /// integrations, and its data as the given local paths or, without them, the job's file ids.
        /// </summary>
        public static OrderedDictionary FromJob(FineTuningJob job, string? trainingPath = null, string? validationPath = null)
        {
            if (job is null) throw new ArgumentNullException(nameof(job));
            var spec = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
            spec["Model"] = job.Model;
            var type = job.MethodType;
            spec["Method"] = type == "dpo" ? "Dpo" : type == "reinforcement" ? "Reinforcement" : "Supervised";
            if (trainingPath != null || job.TrainingFile != null) spec["TrainingFile"] = trainingPath ?? job.TrainingFile;
            if (validationPath != null || job.ValidationFile != null) spec["ValidationFile"] = validationPath ?? job.ValidationFile;
            var settings = job.Method?.Settings;
            var h = settings?.Hyperparameters ?? job.Hyperparameters;
            if (h != null)
            {
                void Whole(string key, HyperparameterValue? v) { if (v?.Number is double n) spec[key] = (int)Math.Round(n); }
                void Num(string key, HyperparameterValue? v) { if (v?.Number is double n) spec[key] = n; }
                Whole("Epochs", h.NEpochs);
                Whole("BatchSize", h.BatchSize);
                Num("LearningRateMultiplier", h.LearningRateMultiplier);
                if (type == "dpo") Num("Beta", h.Beta);
                if (type == "reinforcement")
                {
                    if (h.ReasoningEffort?.Text is string effort && !h.ReasoningEffort.Value.IsAuto) spec["ReasoningEffort"] = effort;
                    Num("ComputeMultiplier", h.ComputeMultiplier);
                    Whole("EvalInterval", h.EvalInterval);
                    Whole("EvalSamples", h.EvalSamples);
                }
            }
            if (type == "reinforcement")
            {
                if (settings?.Grader is JsonElement g && g.ValueKind == JsonValueKind.Object) spec["Grader"] = JobSpec.Plain(g);
                if (settings?.ResponseFormat is JsonElement rf && rf.ValueKind == JsonValueKind.Object) spec["ResponseFormat"] = JobSpec.Plain(rf);
            }
            var suffix = job.UserProvidedSuffix;
            if (suffix is null && job.AdditionalProperties != null && job.AdditionalProperties.TryGetValue("suffix", out var s) && s.ValueKind == JsonValueKind.String)
                suffix = s.GetString();
            if (!string.IsNullOrEmpty(suffix)) spec["Suffix"] = suffix;
            if (job.Seed.HasValue) spec["Seed"] = job.Seed.Value;
            if (job.Metadata != null && job.Metadata.Count > 0)
            {
                var md = new OrderedDictionary(StringComparer.Ordinal);
                foreach (var kv in job.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) md[kv.Key] = kv.Value;
                spec["Metadata"] = md;
            }
            var wandb = job.Integrations?.FirstOrDefault(i => i.Type == "wandb" && i.Wandb != null)?.Wandb;
            if (wandb != null && !string.IsNullOrEmpty(wandb.Project))
            {
                spec["WandbProject"] = wandb.Project;
                if (!string.IsNullOrEmpty(wandb.Name)) spec["WandbName"] = wandb.Name;
                if (!string.IsNullOrEmpty(wandb.Entity)) spec["WandbEntity"] = wandb.Entity;
                if (wandb.Tags != null && wandb.Tags.Count > 0) spec["WandbTag"] = wandb.Tags.ToList<object?>();
            }
            return spec;
        }

        /// <summary>A spec as the text of a PowerShell data file (.psd1), which Import-PowerShellDataFile and New-FineTuningJob -Spec read.</summary>
        public static string ToPowerShellData(IDictionary spec, string? comment = null)
        {
            var sb = new StringBuilder();
            if (comment != null)
            {
                foreach (var line in comment.Split('\n')) sb.Append("# ").Append(line.TrimEnd('\r')).Append('\n');
            }
            WritePs(sb, spec, 0);
            sb.Append('\n');
            return sb.ToString();
        }

        private static void WritePs(StringBuilder sb, object? value, int indent)
        {
            if (indent > 64) throw new ArgumentException("The spec is nested too deeply (more than 64 levels).");
            var pad = new string(' ', (indent + 1) * 4);
            switch (value)
            {
                case null: sb.Append("$null"); break;
                case string s: sb.Append('\'').Append(s.Replace("'", "''").Replace("\u2018", "\u2018\u2018").Replace("\u2019", "\u2019\u2019")).Append('\''); break;
                case bool b: sb.Append(b ? "$true" : "$false"); break;
                case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
                case float f: sb.Append(((double)f).ToString("R", CultureInfo.InvariantCulture)); break;
                case IDictionary dict:
                    sb.Append("@{");
                    if (dict.Count > 0) sb.Append('\n');
                    foreach (DictionaryEntry e in dict)
                    {
                        var key = Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                        sb.Append(pad).Append(Regex.IsMatch(key, "^[A-Za-z_][A-Za-z0-9_]*$") ? key : "'" + key.Replace("'", "''") + "'").Append(" = ");
                        WritePs(sb, e.Value, indent + 1);
                        sb.Append('\n');
                    }
                    if (dict.Count > 0) sb.Append(new string(' ', indent * 4));
                    sb.Append('}');
                    break;
                case IEnumerable list:
                    sb.Append("@(");
                    var first = true;
                    foreach (var item in list)
                    {
                        if (!first) sb.Append(", ");
                        first = false;
                        WritePs(sb, item, indent);
                    }
                    sb.Append(')');
                    break;
                case IFormattable n: sb.Append(n.ToString(null, CultureInfo.InvariantCulture)); break;
                default: WritePs(sb, Convert.ToString(value, CultureInfo.InvariantCulture), indent); break;
            }
        }

        /// <summary>A spec as indented JSON.</summary>
        public static string ToJson(IDictionary spec)
        {
            var element = JsonValueConverter.FromObject(spec);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                element.WriteTo(writer);
            }
            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }
    }
}
