using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    // New-FineTuningJob's job specs (-Spec) and cost budget (-MaxEstimatedCost).
    public sealed partial class NewFineTuningJobCommand
    {
        /// <summary>A job spec: the path of a .psd1 or .json file, or a hashtable. Parameters given as well override its keys.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SpecSet)]
        [ValidateNotNull]
        public object? Spec { get; set; }

        /// <summary>Refuse, before any upload or request that makes something, when the estimated cost is above this amount.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0e12)]
        public double MaxEstimatedCost { get; set; }

        /// <summary>What a million trained tokens of the model cost, in the budget's currency.</summary>
        [Parameter]
        [ValidateRange(0.0, 1000000.0)]
        public double PricePerMillionTokens { get; set; }

        private System.Threading.CancellationTokenSource? _validationStop;

        private bool HasBudget => MyInvocation.BoundParameters.ContainsKey(nameof(MaxEstimatedCost));

        protected override void StopProcessing()
        {
            _validationStop?.Cancel();
            base.StopProcessing();
        }

        private void CheckBudgetParameters()
        {
            var bound = MyInvocation.BoundParameters;
            if (HasBudget && !bound.ContainsKey(nameof(PricePerMillionTokens)))
                throw new ParameterValidationException(nameof(PricePerMillionTokens),
                    "-MaxEstimatedCost needs -PricePerMillionTokens, the price of a million trained tokens of the model in the budget's currency, to estimate the cost.");
            if (!HasBudget && bound.ContainsKey(nameof(PricePerMillionTokens)))
                throw new ParameterValidationException(nameof(MaxEstimatedCost),
                    "-PricePerMillionTokens goes with -MaxEstimatedCost, the most the job may cost; Test-FineTuningDataset -PricePerMillionTokens only estimates.");
        }

        /// <summary>Stops with SettingNotOnTarget when a setting has no equivalent on the connection's service.</summary>
        private void CheckTarget(NewJobOptions options, string? specSource)
        {
            var connection = ResolveConnection();
            var mismatch = ServiceTarget.Check(options, connection.Kind, connection.ApiVersion);
            if (mismatch is null) return;
            var where = specSource is null ? "-" + mismatch.Setting : mismatch.Setting;
            var action = mismatch.Suggestion is null ? null
                : specSource is null ? $"Use -{mismatch.Setting} '{mismatch.Suggestion}'." : $"Set {mismatch.Setting} = '{mismatch.Suggestion}' in the spec.";
            var service = connection.Kind == ServiceKind.AzureOpenAI ? "Azure OpenAI" : "OpenAI";
            var ex = new JobSpecException(specSource ?? "(parameters)", mismatch.Setting, $"{mismatch.Message} Nothing was uploaded or created on {service}.",
                JobSpecProblem.NotOnTarget, action);
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, specSource ?? (object?)where, Noun));
        }

        /// <summary>
        /// Estimates the job's cost from its training data (<paramref name="report"/> when the data was checked here already,
        /// else the uploaded file's content, read once) and stops with EstimatedCostOverBudget when it is above -MaxEstimatedCost.
        /// </summary>
        private bool CheckBudget(DatasetReport? report, NewJobOptions options, string? localTrainingPath, string? specSource)
        {
            var price = (decimal)PricePerMillionTokens;
            if (report is null)
            {
                report = localTrainingPath != null ? Estimate(localTrainingPath, options, price) : EstimateRemote(options, price);
                if (report is null) return false;
            }
            var target = (object?)specSource ?? options.TrainingFile;
            if (report.EstimatedCost is null)
            {
                var why = options.EffectiveMethod == TuningMethod.Reinforcement
                    ? "reinforcement jobs are billed by training time, not by token, so their cost cannot be estimated from the data"
                    : "the training data's cost could not be estimated";
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"-MaxEstimatedCost cannot be checked: {why}."),
                    "CostNotEstimable", ErrorCategory.InvalidOperation, target));
            }
            var cost = report.EstimatedCost!.Value;
            var estimate = $"{Money(cost)} ({report.EstimatedBilledTokens:N0} billed tokens: {report.Epochs} epoch(s) x " +
                $"{report.Tokens.BillableTokensPerEpoch:N0} tokens at {Money(price)} per million)";
            if (cost > (decimal)MaxEstimatedCost)
            {
                var message = $"The job's estimated cost is {estimate}, above the budget of {Money((decimal)MaxEstimatedCost)}; nothing was uploaded or created.";
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message), "EstimatedCostOverBudget", ErrorCategory.LimitsExceeded, target)
                {
                    ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Lower the epochs, trim the training data, or raise -MaxEstimatedCost." },
                });
            }
            WriteVerbose($"Estimated cost {estimate}, within the budget of {Money((decimal)MaxEstimatedCost)}.");
            return true;
        }

        private static string Money(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

        private static TrainingMethod DatasetMethod(TuningMethod method) =>
            method == TuningMethod.Dpo ? TrainingMethod.Dpo : method == TuningMethod.Reinforcement ? TrainingMethod.Reinforcement : TrainingMethod.Supervised;

        private DatasetReport? Estimate(string path, NewJobOptions options, decimal? price) =>
            TestFineTuningDatasetCommand.Validate(this, path, DatasetMethod(options.EffectiveMethod), options.Model, EpochsOf(options), ref _validationStop, price);

        private static int? EpochsOf(NewJobOptions options)
        {
            if (options.Epochs.HasValue) return options.Epochs;
            if (options.Hyperparameters != null && options.Hyperparameters.TryGetValue("n_epochs", out var n) && n != null &&
                double.TryParse(Convert.ToString(n, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                return (int)d;
            return null;
        }

        /// <summary>The estimate of an uploaded training file: its content is read (a GET; nothing is made) into a temporary file.</summary>
        private DatasetReport? EstimateRemote(NewJobOptions options, decimal price)
        {
            var id = options.TrainingFile!;
            var temp = Path.Combine(Path.GetTempPath(), "finetuning-estimate-" + Guid.NewGuid().ToString("N") + ".jsonl");
            var client = Client;
            _creating = true;
            try
            {
                bool read;
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    read = TryRun(ct => client.DownloadFileContentAsync(id, stream, ct), id, out _);
                }
                if (!read)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                        $"-MaxEstimatedCost: the content of training file '{id}' could not be read to estimate the cost, so no job was created. " +
                        "Pass the data as a local file through -Spec to estimate it here."), "CostNotEstimable", ErrorCategory.ReadError, id));
                    return null;
                }
                return Estimate(temp, options, price);
            }
            finally
            {
                _creating = false;
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        /// <summary>Parameters given with -Spec replace the spec's keys of the same name.</summary>
        private void ApplyOverrides(IDictionary data)
        {
            var bound = MyInvocation.BoundParameters;
            foreach (var key in JobSpec.Keys)
            {
                if (!bound.TryGetValue(key, out var value)) continue;
                value = CmdletHelpers.Unwrap(value);
                switch (key)
                {
                    case "TrainingFile":
                    case "ValidationFile":
                        var id = FileId(value, key);
                        string local;
                        try
                        {
                            local = GetUnresolvedProviderPathFromPSPath(id);
                        }
                        catch (Exception ex) when (!(ex is PipelineStoppedException))
                        {
                            local = id;
                        }
                        value = File.Exists(local) ? local : id;
                        break;
                    case "Method":
                        value = Method.ToString();
                        break;
                    case "WandbTag":
                        value = ((string[])value!).ToList<object?>();
                        break;
                    case "Grader":
                    case "Metadata":
                    case "Hyperparameters":
                        value = CmdletHelpers.ToPlain(value);
                        break;
                }
                data[key] = value;
            }
        }

        private void CreateFromSpec()
        {
            JobSpec spec;
            try
            {
                if (Wait && AsJob)
                    throw new ParameterValidationException("AsJob", "-Wait and -AsJob cannot be used together: -Wait waits here, -AsJob waits in a background job.");
                CheckBudgetParameters();
            }
            catch (ParameterValidationException ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null, Noun));
                return;
            }
            try
            {
                var (data, source, folder) = JobSpecReader.Load(this, Spec!);
                ApplyOverrides(data);
                spec = JobSpec.Read(data, source, folder);
            }
            catch (JobSpecException ex)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, ex.SpecSource, Noun));
                return;
            }
            var planned = spec.ToOptions();
            CheckTarget(planned, spec.Source);
            if (spec.Hyperparameters != null)
                WriteWarning("The spec's Hyperparameters key sends the deprecated top-level 'hyperparameters' field; prefer Epochs, BatchSize and LearningRateMultiplier.");

            // Every local file is checked before any is sent, as Add-FineTuningFile checks it.
            var local = spec.LocalFiles.ToList();
            DatasetReport? trainingReport = null;
            foreach (var (key, path) in local)
            {
                var length = new FileInfo(path).Length;
                if (length > FineTuningClient.MaxUploadBytes)
                {
                    ThrowTerminatingError(ErrorMapping.ToErrorRecord(new JobSpecException(spec.Source, key,
                        $"'{path}' is {length:N0} bytes; the service takes files of up to 8 GB."), spec.Source, Noun));
                }
                var isTraining = key == "TrainingFile";
                var report = Estimate(path, planned, isTraining && HasBudget ? (decimal)PricePerMillionTokens : (decimal?)null);
                if (report is null) return;
                var blocking = report.Findings.Where(f => f.Severity == FindingSeverity.Error && (isTraining || f.Code != FindingCodes.TooFewExamples)).ToList();
                if (blocking.Count > 0)
                {
                    var message = $"Job spec {spec.Source}, key '{key}': '{path}' is not a valid {planned.EffectiveMethod} dataset ({blocking.Count} error(s)); nothing was uploaded:\n" +
                        string.Join("\n", blocking.Take(5).Select(f => "  " + f)) + (blocking.Count > 5 ? "\n  ..." : string.Empty) +
                        "\nTest-FineTuningDataset lists every finding.";
                    ThrowTerminatingError(new ErrorRecord(new InvalidDataException(message), "InvalidDataset", ErrorCategory.InvalidData, spec.Source)
                    {
                        ErrorDetails = new ErrorDetails(message),
                    });
                }
                if (isTraining) trainingReport = report;
                WriteVerbose($"{key} {Path.GetFileName(path)}: {report.Examples} examples, {report.Tokens.Total:N0} tokens; no errors.");
            }
            if (HasBudget && !CheckBudget(trainingReport, planned, null, spec.Source)) return;

            var uploads = local.Count == 0 ? string.Empty : "; uploads " + string.Join(" and ", local.Select(l => $"{l.Key} '{l.Path}'"));
            var description = $"{planned.EffectiveMethod} job on model '{planned.Model}' from spec {spec.Source}{uploads}" +
                (spec.Suffix is null ? string.Empty : $", suffix '{spec.Suffix}'");
            if (!ShouldProcess(description, "Create fine-tuning job")) return;

            var client = Client;
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, path) in local)
            {
                var name = Path.GetFileName(path);
                var parts = new FileInfo(path).Length > FineTuningClient.FilesApiLimit;
                WriteVerbose($"Uploading {key} {path}.");
                if (!TryRun(ct => parts ? client.UploadLargeFileAsync(path, "fine-tune", name, null, ct) : client.UploadFileAsync(path, "fine-tune", name, null, ct),
                        path, out var file))
                {
                    RemoveUploads(client, ids.Values);
                    return;
                }
                ids[key] = file.Id;
            }
            ids.TryGetValue("TrainingFile", out var trainingId);
            ids.TryGetValue("ValidationFile", out var validationId);
            var options = spec.ToOptions(trainingId, validationId);
            var before = _created;
            CreateAndWrite(options);
            if (_created == before) RemoveUploads(client, ids.Values);
        }

        /// <summary>Deletes the files this call uploaded when the job could not be created, so nothing half-done is left.</summary>
        private void RemoveUploads(FineTuningClient client, IEnumerable<string> ids)
        {
            foreach (var id in ids.ToList())
            {
                if (TryRun(ct => client.DeleteFileAsync(id, ct), id, out _)) WriteVerbose($"Deleted {id}, uploaded for the job that was not created.");
            }
        }
    }
}
