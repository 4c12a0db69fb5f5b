using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTuning.Client;
using FineTuning.Datasets;

namespace FineTuning.Commands
{
    /// <summary>
    /// What New-FineTuningJob checks before anything is uploaded or created: that every setting has an equivalent on the
    /// connection's service, that a spec's local files are valid datasets for the job's method, and that the estimated
    /// cost is within -MaxEstimatedCost; what -WhatIf and -Confirm say the job will be; and what to suggest when the service
    /// refuses the model.
    /// </summary>
    internal sealed class JobPreflight
    {
        private readonly FineTuningCmdlet _cmdlet;
        private readonly decimal? _budget;
        private readonly decimal _price;
        private System.Threading.CancellationTokenSource? _stop;

        /// <param name="budget">-MaxEstimatedCost, null when not given.</param>
        /// <param name="price">-PricePerMillionTokens.</param>
        public JobPreflight(FineTuningCmdlet cmdlet, decimal? budget, decimal price)
        {
            _cmdlet = cmdlet;
            _budget = budget;
            _price = price;
        }

        public bool HasBudget => _budget.HasValue;

        /// <summary>
        /// Every check of a job planned from parameters or from <paramref name="spec"/>, in order: the target, the deprecated
        /// hyperparameters (a warning), a spec's local files, the budget. Stops with a terminating error at the first that fails;
        /// false when a check could not be made (an error was written).
        /// </summary>
        public bool Check(NewJobOptions planned, JobSpec? spec, FineTuningConnection connection, Func<string, Stream, bool> download)
        {
            CheckTarget(planned, spec?.Source, connection);
            if (planned.Hyperparameters != null)
            {
                _cmdlet.WriteWarning(spec is null
                    ? "-Hyperparameters sends the deprecated top-level 'hyperparameters' field; prefer -Epochs, -BatchSize and -LearningRateMultiplier, which go in the 'method' object."
                    : "The spec's Hyperparameters key sends the deprecated top-level 'hyperparameters' field; prefer Epochs, BatchSize and LearningRateMultiplier.");
            }
            DatasetReport? trainingReport = null;
            if (spec != null && !CheckLocalFiles(spec, planned, out trainingReport)) return false;
            return !HasBudget || CheckBudget(trainingReport, planned, spec?.Source, download);
        }

        /// <summary>The error of a model the service refused, with the closest names of the models known to take fine-tuning.</summary>
        internal static ErrorRecord SuggestModels(ErrorRecord record, string? model)
        {
            var close = Suggestions.Closest(model, BaseModels.Known.SelectMany(m => new[] { m.Snapshot, m.Alias }));
            if (close.Count == 0) return record;
            var message = record.ErrorDetails?.Message ?? record.Exception.Message;
            record.ErrorDetails = new ErrorDetails(message + Suggestions.DidYouMean(model, close))
            {
                RecommendedAction = "Use a model that takes fine-tuning, such as " + string.Join(" or ", close) + " (tab completion of -Model lists them).",
            };
            return record;
        }

        /// <summary>Stops with SettingNotOnTarget when a setting has no equivalent on the connection's service.</summary>
        private void CheckTarget(NewJobOptions options, string? specSource, FineTuningConnection connection)
        {
            var error = TargetError(options, specSource, connection.Kind, connection.ApiVersion);
            if (error != null) _cmdlet.ThrowTerminatingError(error);
        }

        /// <summary>The SettingNotOnTarget error for a setting the service cannot take (named as a parameter, or as a spec's key), or null.</summary>
        internal static ErrorRecord? TargetError(NewJobOptions options, string? specSource, ServiceKind kind, string? apiVersion)
        {
            var mismatch = ServiceTarget.Check(options, kind, apiVersion);
            if (mismatch is null) return null;
            var where = specSource is null ? "-" + mismatch.Setting : mismatch.Setting;
            var action = mismatch.Suggestion is null ? null
                : specSource is null ? $"Use -{mismatch.Setting} '{mismatch.Suggestion}'." : $"Set {mismatch.Setting} = '{mismatch.Suggestion}' in the spec.";
            var service = kind == ServiceKind.AzureOpenAI ? "Azure OpenAI" : "OpenAI";
            var ex = new JobSpecException(specSource ?? "(parameters)", mismatch.Setting, $"{mismatch.Message} Nothing was uploaded or created on {service}.",
                JobSpecProblem.NotOnTarget, action);
            return ErrorMapping.ToErrorRecord(ex, specSource ?? (object?)where, "Job");
        }

        /// <summary>What ShouldProcess names: a job from parameters.</summary>
        internal static string Description(NewJobOptions options, string? suffix) =>
            $"{options.EffectiveMethod} job on model '{options.Model}' with training file '{options.TrainingFile}'" +
            (options.ValidationFile is null ? string.Empty : $" and validation file '{options.ValidationFile}'") +
            (suffix is null ? string.Empty : $", suffix '{suffix}'");

        /// <summary>What ShouldProcess names: a job from a spec, with the local files it uploads.</summary>
        internal static string Description(JobSpec spec, NewJobOptions planned)
        {
            var local = spec.LocalFiles.ToList();
            var uploads = local.Count == 0 ? string.Empty : "; uploads " + string.Join(" and ", local.Select(l => $"{l.Key} '{l.Path}'"));
            return $"{planned.EffectiveMethod} job on model '{planned.Model}' from spec {spec.Source}{uploads}" +
                (spec.Settings.Suffix is null ? string.Empty : $", suffix '{spec.Settings.Suffix}'");
        }

        /// <summary>-MaxEstimatedCost and -PricePerMillionTokens go together.</summary>
        public static void CheckParameters(bool budgetGiven, bool priceGiven)
        {
            if (budgetGiven && !priceGiven)
                throw new ParameterValidationException("PricePerMillionTokens",
                    "-MaxEstimatedCost needs -PricePerMillionTokens, the price of a million trained tokens of the model in the budget's currency, to estimate the cost.");
            if (!budgetGiven && priceGiven)
                throw new ParameterValidationException("MaxEstimatedCost",
                    "-PricePerMillionTokens goes with -MaxEstimatedCost, the most the job may cost; Test-FineTuningDataset -PricePerMillionTokens only estimates.");
        }

        /// <summary>Ends a dataset check in progress (Ctrl+C).</summary>
        public void Stop() => _stop?.Cancel();

        /// <summary>
        /// Checks every local file of a spec, as Add-FineTuningFile checks it, before any is sent; stops with a terminating
        /// error at the first that is too large or not a valid dataset for the job. False when a check could not run.
        /// </summary>
        private bool CheckLocalFiles(JobSpec spec, NewJobOptions planned, out DatasetReport? trainingReport)
        {
            trainingReport = null;
            foreach (var (key, path) in spec.LocalFiles)
            {
                var length = new FileInfo(path).Length;
                if (length > UploadsClient.MaxBytes)
                {
                    _cmdlet.ThrowTerminatingError(ErrorMapping.ToErrorRecord(new JobSpecException(spec.Source, key,
                        $"'{path}' is {length:N0} bytes; the service takes files of up to 8 GB."), spec.Source, "Job"));
                }
                var isTraining = key == "TrainingFile";
                var report = Estimate(path, planned, isTraining && HasBudget ? _price : (decimal?)null);
                if (report is null) return false;
                var invalid = InvalidDataset(spec.Source, key, path, report, planned.EffectiveMethod);
                if (invalid != null) _cmdlet.ThrowTerminatingError(invalid);
                if (isTraining) trainingReport = report;
                _cmdlet.WriteVerbose($"{key} {Path.GetFileName(path)}: {report.Examples} examples, {report.Tokens.Total:N0} tokens; no errors.");
            }
            return true;
        }

        /// <summary>
        /// The InvalidDataset error for a spec's file whose check found errors, or null. A validation file may hold fewer
        /// examples than a training file must.
        /// </summary>
        internal static ErrorRecord? InvalidDataset(string specSource, string key, string path, DatasetReport report, TrainingMethod method)
        {
            var isTraining = key == "TrainingFile";
            var blocking = report.Findings.Where(f => f.Severity == FindingSeverity.Error && (isTraining || f.Code != FindingCodes.TooFewExamples)).ToList();
            if (blocking.Count == 0) return null;
            var message = $"Job spec {specSource}, key '{key}': '{path}' is not a valid {method} dataset ({blocking.Count} error(s)); nothing was uploaded:\n" +
                string.Join("\n", blocking.Take(5).Select(f => "  " + f)) + (blocking.Count > 5 ? "\n  ..." : string.Empty) +
                "\nTest-FineTuningDataset lists every finding.";
            return new ErrorRecord(new InvalidDataException(message), "InvalidDataset", ErrorCategory.InvalidData, specSource)
            {
                ErrorDetails = new ErrorDetails(message),
            };
        }

        /// <summary>
        /// Estimates the job's cost from its training data (<paramref name="report"/> when the data was checked here already,
        /// else the uploaded file's content, fetched once by <paramref name="download"/>) and stops with EstimatedCostOverBudget
        /// when it is above the budget. False when the estimate could not be made (an error was written).
        /// </summary>
        private bool CheckBudget(DatasetReport? report, NewJobOptions options, string? specSource, Func<string, Stream, bool> download)
        {
            report ??= EstimateRemote(options, download);
            if (report is null) return false;
            var error = BudgetError(report, options.EffectiveMethod, _budget ?? 0, _price, (object?)specSource ?? options.TrainingFile, out var estimate);
            if (error != null) _cmdlet.ThrowTerminatingError(error);
            _cmdlet.WriteVerbose($"Estimated cost {estimate}, within the budget of {Money(_budget ?? 0)}.");
            return true;
        }

        /// <summary>
        /// CostNotEstimable when the report holds no cost (reinforcement jobs are billed by time), EstimatedCostOverBudget
        /// when the cost is above <paramref name="budget"/>, else null; <paramref name="estimate"/> tells how the cost was reckoned.
        /// </summary>
        internal static ErrorRecord? BudgetError(DatasetReport report, TrainingMethod method, decimal budget, decimal price, object? target, out string estimate)
        {
            estimate = string.Empty;
            if (report.EstimatedCost is null)
            {
                var why = method == TrainingMethod.Reinforcement
                    ? "reinforcement jobs are billed by training time, not by token, so their cost cannot be estimated from the data"
                    : "the training data's cost could not be estimated";
                return new ErrorRecord(new InvalidOperationException($"-MaxEstimatedCost cannot be checked: {why}."),
                    "CostNotEstimable", ErrorCategory.InvalidOperation, target);
            }
            var cost = report.EstimatedCost.Value;
            estimate = $"{Money(cost)} ({report.EstimatedBilledTokens:N0} billed tokens: {report.Epochs} epoch(s) x " +
                $"{report.Tokens.BillableTokensPerEpoch:N0} tokens at {Money(price)} per million)";
            if (cost <= budget) return null;
            var message = $"The job's estimated cost is {estimate}, above the budget of {Money(budget)}; nothing was uploaded or created.";
            return new ErrorRecord(new InvalidOperationException(message), "EstimatedCostOverBudget", ErrorCategory.LimitsExceeded, target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Lower the epochs, trim the training data, or raise -MaxEstimatedCost." },
            };
        }

        private static string Money(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

        /// <summary>Checks a dataset for the job, with the cost at <paramref name="price"/> when given; null when the check failed.</summary>
        public DatasetReport? Estimate(string path, NewJobOptions options, decimal? price) =>
            TestFineTuningDatasetCommand.Validate(_cmdlet, path, options.EffectiveMethod, options.Model, EpochsOf(options), ref _stop, price);

        /// <summary>The epochs the job asks for: -Epochs, else the deprecated hyperparameters' n_epochs, else null (the service picks).</summary>
        internal static int? EpochsOf(NewJobOptions options)
        {
            if (options.Epochs.HasValue) return options.Epochs;
            if (options.Hyperparameters != null && options.Hyperparameters.TryGetValue("n_epochs", out var n) && n != null &&
                double.TryParse(Convert.ToString(n, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                return (int)d;
            return null;
        }

        /// <summary>The estimate of an uploaded training file: its content is read (a GET; nothing is made) into a temporary file.</summary>
        private DatasetReport? EstimateRemote(NewJobOptions options, Func<string, Stream, bool> download)
        {
            var id = options.TrainingFile!;
            var temp = Path.Combine(Path.GetTempPath(), "finetuning-estimate-" + Guid.NewGuid().ToString("N") + ".jsonl");
            try
            {
                bool read;
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    read = download(id, stream);
                }
                if (!read)
                {
                    _cmdlet.WriteError(new ErrorRecord(new InvalidOperationException(
                        $"-MaxEstimatedCost: the content of training file '{id}' could not be read to estimate the cost, so no job was created. " +
                        "Pass the data as a local file through -Spec to estimate it here."), "CostNotEstimable", ErrorCategory.ReadError, id));
                    return null;
                }
                return Estimate(temp, options, _price);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }
}
