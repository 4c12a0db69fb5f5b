using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FineTuning.Client;
using FineTuning.Commands;
using FineTuning.Datasets;
using FineTuning.Emulator;

/// <summary>
/// Prints a transcript of what the module's libraries compute and answer: dataset reports, a job's whole
/// life on the emulator (in process and over a loopback listener), its events, models, a grader's reward,
/// checkpoint permissions, completions, a service error, and Azure's file import and job deletion. Every
/// line but the first must be the same on every runtime; the first names the runtime.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: RuntimeCheck <train.jsonl> <work folder>");
            return 2;
        }
        var train = args[0];
        Directory.CreateDirectory(args[1]);
        Console.WriteLine("Runtime: " + System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);

        var broken = Path.Combine(args[1], "broken.jsonl");
        File.WriteAllLines(broken, new[]
        {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello, caf\u00e9 \u2615\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"No answer\"}]}",
            "not json",
            "{\"messages\":[{\"role\":\"wizard\",\"content\":\"?\"},{\"role\":\"assistant\",\"content\":\"!\"}]}",
        });
        foreach (var path in new[] { train, broken })
        {
            var report = DatasetValidator.Validate(path, new DatasetValidationOptions { PricePerMillionTokens = 2.5m });
            Console.WriteLine($"dataset {Path.GetFileName(path)}: examples={report.Examples} valid={report.ValidExamples} " +
                $"tokens={report.Tokens.Total} encoding={report.Tokens.Encoding} errors={report.ErrorCount} warnings={report.WarningCount} " +
                $"billed={report.EstimatedBilledTokens} cost={report.EstimatedCost?.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            foreach (var finding in report.Findings)
                Console.WriteLine($"  line {finding.LineNumber}: {finding.Severity} {finding.Code}: {finding.Message}");
        }

        using var emulator = new FineTuningEmulator(new EmulatorOptions { ManualClock = true, Seed = 7 });
        Uri listenerBase = null;
        foreach (var mode in new[] { "in-process", "listener" })
        {
            var options = new ConnectionOptions { Kind = ServiceKind.Emulator };
            if (mode == "in-process")
            {
                options.BaseUri = emulator.InProcessBaseUri;
                options.Transport = emulator.CreateHandler();
            }
            else
            {
                options.BaseUri = listenerBase = emulator.StartListener();
            }
            var client = FineTuningConnection.Create(options).Client;
            var file = await client.Files.UploadAsync(train, "fine-tune", "train.jsonl");
            var request = new NewJobOptions
            {
                Model = "gpt-4o-mini-2024-07-18", TrainingFile = file.Id, Epochs = 2, LearningRateMultiplier = 0.5, Suffix = "runtimes",
                Metadata = new Dictionary<string, string> { ["team"] = "caf\u00e9" },
            };
            request.Validate();
            var job = await client.Jobs.CreateAsync(request.ToRequest());
            for (var i = 0; i < 1000 && !JobStatus.IsFinal(job.Status); i++)
            {
                emulator.Clock.Advance(TimeSpan.FromSeconds(20));
                job = await client.Jobs.GetAsync(job.Id);
            }
            Console.WriteLine($"[{mode}] file {file.Id} {file.Bytes} bytes");
            Console.WriteLine($"[{mode}] job {job.Id} {job.Status} model={job.FineTunedModel} trained_tokens={job.TrainedTokens} " +
                $"epochs={job.Hyperparameters?.NEpochs} batch={job.Hyperparameters?.BatchSize} lr={job.Hyperparameters?.LearningRateMultiplier} " +
                $"metadata={string.Join(",", (job.Metadata ?? new Dictionary<string, string>()).Select(kv => kv.Key + "=" + kv.Value))}");
            var events = await new Pager<FineTuningEvent>((after, limit, ct) => client.Jobs.ListEventsAsync(job.Id, after, limit, ct), e => e.Id, 100).ToListAsync();
            Console.WriteLine($"[{mode}] {events.Count} events");
            foreach (var e in events.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal))
                Console.WriteLine($"[{mode}]   {e.Level} {e.Type} {e.Message}");

            var models = (await client.Models.ListAsync()).Data;
            Console.WriteLine($"[{mode}] models: {models.Count(m => !m.IsFineTuned)} base, fine-tuned " +
                string.Join(" ", models.Where(m => m.IsFineTuned).Select(m => $"{m.Id} base={m.BaseModel} suffix={m.Suffix}")));
            Console.WriteLine($"[{mode}] completion 'runt': " + string.Join(" ", Completion.Jobs(new[] { job }, "runt").Select(c => c.Text)));
            Console.WriteLine($"[{mode}] completion 'ft:' models: " + string.Join(" ", Completion.ServiceModels(models, "ft:", true).Select(c => c.Text)));

            var grader = JsonValueConverter.FromObject(new Dictionary<string, object>
            {
                ["type"] = "text_similarity", ["name"] = "close", ["input"] = "{{sample.output_text}}", ["reference"] = "{{item.answer}}",
                ["evaluation_metric"] = "fuzzy_match",
            });
            await client.Graders.ValidateAsync(grader);
            var graded = await client.Graders.RunAsync(new RunGraderRequest
            {
                Grader = grader, Item = JsonValueConverter.FromObject(new Dictionary<string, object> { ["answer"] = "Rome" }), ModelSample = "Roma",
            });
            Console.WriteLine($"[{mode}] grader {graded.Name} {graded.Type} reward={graded.Reward.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} errors={graded.Errors.Count}");

            var granted = await client.Permissions.CreateAsync(job.FineTunedModel!, new[] { "proj_a", "proj_b" });
            var listed = (await client.Permissions.ListAsync(job.FineTunedModel!, null, null, null)).Data;
            var revoked = await client.Permissions.DeleteAsync(job.FineTunedModel!, granted[0].Id);
            Console.WriteLine($"[{mode}] permissions granted={string.Join(",", granted.Select(p => p.ProjectId))} " +
                $"listed={string.Join(",", listed.Select(p => p.ProjectId))} revoked={revoked.Deleted}");

            try
            {
                await client.Jobs.GetAsync("ftjob-missing");
                Console.WriteLine($"[{mode}] missing job: no error");
            }
            catch (FineTuningServiceException ex)
            {
                Console.WriteLine($"[{mode}] missing job: {ex.StatusCode} {ex.ErrorType} {ex.Message}");
            }
        }

        // Azure OpenAI's own calls, through the listener's Azure form: a file imported from a URL (the emulator's own
        // content endpoint standing in for a blob SAS URL), a job on it, cancelled, then deleted.
        var openAi = FineTuningConnection.Create(new ConnectionOptions { Kind = ServiceKind.Emulator, BaseUri = listenerBase }).Client;
        var source = await openAi.Files.UploadAsync(train, "fine-tune", "source.jsonl");
        var azure = FineTuningConnection.Create(new ConnectionOptions
        {
            Kind = ServiceKind.AzureOpenAI, Endpoint = new Uri(listenerBase!.GetLeftPart(UriPartial.Authority)),
            ApiKey = FineTuningConnection.ToSecureString("unused"),
        }).Client;
        var imported = await azure.Files.ImportAsync(new Uri(listenerBase + "/files/" + source.Id + "/content?sig=secret"), "imported.jsonl");
        Console.WriteLine($"[azure] imported {imported.Filename} {imported.Bytes} bytes purpose={imported.Purpose} same={imported.Bytes == source.Bytes}");
        var azureJob = await azure.Jobs.CreateAsync(new CreateJobRequest { Model = "gpt-4o-mini-2024-07-18", TrainingFile = imported.Id });
        var cancelled = await azure.Jobs.CancelAsync(azureJob.Id);
        var deleted = await azure.Jobs.DeleteAsync(azureJob.Id);
        Console.WriteLine($"[azure] job {cancelled.Status}, deleted={deleted.Deleted} object={deleted.Object}");
        try
        {
            await openAi.Jobs.DeleteAsync(azureJob.Id);
        }
        catch (NotSupportedException ex)
        {
            Console.WriteLine("[openai] delete job: " + ex.Message);
        }
        return 0;
    }
}
