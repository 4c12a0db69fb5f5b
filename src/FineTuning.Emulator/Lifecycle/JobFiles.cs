using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FineTuning.Datasets;

namespace FineTuning.Emulator
{
    /// <summary>A job's training (and validation) examples, read and checked, ready for the trainer.</summary>
    internal sealed class CheckedFiles
    {
        public List<TrainingExample> Training = new List<TrainingExample>();
        public List<TrainingExample>? Validation;
        /// <summary>Tokens the service bills for one pass over the training file.</summary>
        public long BilledTokensPerEpoch;
    }

    /// <summary>Why a job's files cannot be used, as the service reports it.</summary>
    internal sealed class FileProblem
    {
        public FileProblem(string code, string message, string param)
        {
            Code = code;
            Message = message;
            Param = param;
        }

        public string Code { get; }
        public string Message { get; }
        public string Param { get; }
    }

    /// <summary>
    /// Reads a job's files the one way the module reads datasets: FineTuning.Datasets' validator streams each file once,
    /// applies every rule (format, method fit, roles, the ten-example minimum...), and hands over the examples it accepts,
    /// which <see cref="ExampleEncoder"/> turns into tokens. The first error becomes the service's failure, in its words.
    /// </summary>
    internal static class JobFiles
    {
        public static CheckedFiles? Check(IReadOnlyDictionary<string, StoredFile> files, JobRecord record, out FileProblem? problem)
        {
            var job = record.Job;
            problem = null;
            if (!files.TryGetValue(job.TrainingFile!, out var trainingFile))
            {
                problem = new FileProblem("invalid_training_file", $"The job failed due to an invalid training file. File {job.TrainingFile} was deleted before it could be validated.", "training_file");
                return null;
            }
            var result = new CheckedFiles();
            var report = Read(trainingFile, record, result.Training);
            problem = Problem(report, trainingFile, record, "training");
            if (problem != null) return null;
            result.BilledTokensPerEpoch = report.Tokens.BillableTokensPerEpoch;
            if (job.ValidationFile != null)
            {
                if (!files.TryGetValue(job.ValidationFile, out var validationFile))
                {
                    problem = new FileProblem("invalid_validation_file", $"The job failed due to an invalid validation file. File {job.ValidationFile} was deleted before it could be validated.", "validation_file");
                    return null;
                }
                result.Validation = new List<TrainingExample>();
                var validationReport = Read(validationFile, record, result.Validation);
                problem = Problem(validationReport, validationFile, record, "validation");
                if (problem != null) return null;
            }
            return result;
        }

        private static DatasetReport Read(StoredFile file, JobRecord record, List<TrainingExample> examples)
        {
            var counter = TokenCounter.ForModel(record.Job.Model);
            var options = new DatasetValidationOptions
            {
                Method = record.Method,
                Model = record.Job.Model,
                MaxFindings = 50,
                OnExample = line =>
                {
                    using var doc = JsonDocument.Parse(line.Utf8);
                    examples.Add(ExampleEncoder.Encode(doc.RootElement, counter));
                },
            };
            using var stream = file.OpenRead();
            return DatasetValidator.Validate(stream, file.Info.Id, options);
        }

        /// <summary>The service's error for the first error the validator found, or null when there is none.</summary>
        private static FileProblem? Problem(DatasetReport report, StoredFile file, JobRecord record, string kind)
        {
            // A broken example is named before the count of examples is; the ten-example minimum applies to training files only.
            var errors = report.Findings.Where(f => f.Severity == FindingSeverity.Error).ToList();
            var first = errors.FirstOrDefault(f => f.Code != FindingCodes.TooFewExamples)
                ?? (kind == "training" ? errors.FirstOrDefault() : null);
            if (first is null) return null;
            var param = kind + "_file";
            var code = $"invalid_{kind}_file";
            var prefix = $"The job failed due to an invalid {kind} file.";
            switch (first.Code)
            {
                case FindingCodes.TooFewExamples:
                    return new FileProblem("invalid_n_examples", $"Training file has {report.Examples} example(s), but must have at least {DatasetValidator.MinimumExamples} examples", param);
                case FindingCodes.FormatDoesNotFitMethod:
                    return new FileProblem(code, $"{prefix} Input file is in the {ServiceFormatName(report.Format, record.Method)} format, but the specified fine-tuning job " +
                        $"is not using '{MethodFor(report.Format)}' as the training method (provided method={TrainingMethods.ToWire(record.Method)}).", param);
                case FindingCodes.MissingRole when first.LineNumber > 0:
                    var index = Regex.Match(first.FieldPath ?? string.Empty, @"\[(\d+)\][^\[]*$");
                    var message = index.Success ? int.Parse(index.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1 : 1;
                    return new FileProblem(code, $"{prefix} Invalid file format. Example {ExampleNumber(file, first.LineNumber)} (line {first.LineNumber}): " +
                        $"message {message} Discriminator 'role' is missing in value.", param);
                default:
                    var where = first.LineNumber > 0 ? $"Line {first.LineNumber}" + (first.FieldPath is null ? string.Empty : $", {first.FieldPath}") + ": " : string.Empty;
                    return new FileProblem(code, $"{prefix} Invalid file format. {where}{first.Message}", param);
            }
        }

        /// <summary>The service's name of a file's format.</summary>
        private static string ServiceFormatName(DatasetFormat format, TrainingMethod method) => format switch
        {
            DatasetFormat.Chat => "fine-tune-chat",
            DatasetFormat.PromptCompletion => "prompt-completion",
            DatasetFormat.Preference => "preference",
            DatasetFormat.Reinforcement => "reinforcement",
            _ => format.ToString().ToLowerInvariant(),
        };

        /// <summary>The method a format is for.</summary>
        private static string MethodFor(DatasetFormat format) => format switch
        {
            DatasetFormat.Preference => "dpo",
            DatasetFormat.Reinforcement => "reinforcement",
            _ => "supervised",
        };

        /// <summary>Which example (non-blank line) a line of the file is.</summary>
        private static long ExampleNumber(StoredFile file, long lineNumber)
        {
            using var reader = new StreamReader(file.OpenRead(), new UTF8Encoding(false, false));
            long example = 0;
            for (long line = 1; line <= lineNumber; line++)
            {
                var text = reader.ReadLine();
                if (text is null) break;
                if (text.Trim().Length > 0) example++;
            }
            return example;
        }
    }
}
