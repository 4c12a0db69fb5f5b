using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTuning.Client.Json;

namespace FineTuning.Client
{
    /// <summary>A file of a job's archive that could not be saved because the service no longer gives it (or refuses to).</summary>
    public sealed class ArchiveMissing
    {
        public ArchiveMissing(string name, string reason)
        {
            Name = name;
            Reason = TerminalText.Safe(reason);
        }

        /// <summary>The file's name in the archive (relative to the job's folder).</summary>
        public string Name { get; }

        /// <summary>What the service answered.</summary>
        public string Reason { get; }

        public override string ToString() => $"{Name}: {Reason}";
    }

    /// <summary>What Export-FineTuningJob did for one job.</summary>
    public sealed class JobArchiveResult
    {
        public string JobId { get; set; } = string.Empty;
        public string? Status { get; set; }
        /// <summary>The job's folder in the archive.</summary>
        public string Path { get; set; } = string.Empty;
        /// <summary>Files written by this run (relative to <see cref="Path"/>).</summary>
        public List<string> Written { get; } = new List<string>();
        /// <summary>Files already whole from an earlier run, left as they were.</summary>
        public List<string> Kept { get; } = new List<string>();
        /// <summary>Files the service did not give.</summary>
        public List<ArchiveMissing> Missing { get; } = new List<ArchiveMissing>();
        /// <summary>Bytes written by this run.</summary>
        public long BytesWritten { get; set; }
        /// <summary>Bytes of the whole archive of the job, kept and written.</summary>
        public long TotalBytes { get; set; }
        /// <summary>True when every file of the job is in the archive.</summary>
        public bool Complete => Missing.Count == 0;

        public override string ToString() => Path;
    }

    /// <summary>One file of a job's archive and how to make it.</summary>
    public sealed class ArchiveItem
    {
        internal ArchiveItem(string name, string what, bool refresh, Func<Stream, CancellationToken, Task> write)
        {
            Name = name;
            What = what;
            Refresh = refresh;
            Write = write;
        }

        /// <summary>The file's path relative to the job's folder, with '/' between folders.</summary>
        public string Name { get; }

        /// <summary>What the file holds, for -WhatIf and progress.</summary>
        public string What { get; }

        /// <summary>True when an existing copy is out of date (the job has changed since) and is written again.</summary>
        public bool Refresh { get; }

        internal Func<Stream, CancellationToken, Task> Write { get; }
    }

    /// <summary>
    /// Archives fine-tuning jobs into a folder, one folder per job: the job as the service returned it (job.json), its
    /// events (events.jsonl, oldest first), checkpoints (checkpoints.json), metrics (metrics.csv), result files
    /// (results/), optionally its training and validation files (data/), and a spec that re-creates the job (spec.psd1).
    /// Every file is written whole or not at all (a .partial file renamed into place), so a re-run completes what is
    /// missing and rewrites nothing whole; only the files that describe a job that was still changing when it was
    /// archived are written again. Names from the service become file names only through <see cref="DownloadTarget.LeafName"/>.
    /// </summary>
    public sealed class JobArchiver
    {
        /// <summary>The largest job object read (a job is a few kilobytes; this bounds a hostile answer).</summary>
        public const int MaxJobBytes = 16 * 1024 * 1024;

        private readonly FineTuningClient _client;

        public JobArchiver(FineTuningClient client, string root, bool includeData)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            Root = System.IO.Path.GetFullPath(root);
            IncludeData = includeData;
        }

        public string Root { get; }

        public bool IncludeData { get; }

        /// <summary>The folder of a job: its id as a safe leaf name inside <see cref="Root"/>.</summary>
        public string FolderOf(string jobId)
        {
            var leaf = DownloadTarget.LeafName(jobId) ?? throw new UnsafeFileNameException(jobId, $"The job id '{jobId}' cannot be a folder name; it was not archived.");
            return System.IO.Path.Combine(Root, leaf);
        }

        /// <summary>The job as the service returns it: its JSON exactly, and the job read from it.</summary>
        public async Task<(byte[] Json, FineTuningJob Job)> GetJobAsync(string jobId, CancellationToken ct)
        {
            using var response = await _client.SendAsync(HttpMethod.Get, JobsClient.PathOf(jobId), null, null,
                HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var bytes = await ReadBounded(response, MaxJobBytes, ct).ConfigureAwait(false);
            FineTuningJob? job;
            try
            {
                job = JsonSerializer.Deserialize(bytes, ClientJsonContext.Default.FineTuningJob);
            }
            catch (JsonException ex)
            {
                throw new FineTuningProtocolException($"GET /fine_tuning/jobs/{jobId} answered with a body that is not a job ({ex.Message}).", (int)response.StatusCode, null, "GET", "/fine_tuning/jobs", ex);
            }
            if (job is null || string.IsNullOrEmpty(job.Id))
                throw new FineTuningProtocolException($"GET /fine_tuning/jobs/{jobId} answered with a body that is not a job.", (int)response.StatusCode, null, "GET", "/fine_tuning/jobs", null);
            return (bytes, job);
        }

        private static async Task<byte[]> ReadBounded(HttpResponseMessage response, int limit, CancellationToken ct)
        {
            using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, 0, chunk.Length, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit) throw new FineTuningProtocolException($"The job's JSON is larger than {limit:N0} bytes; it was not archived.", (int)response.StatusCode, null, "GET", "/fine_tuning/jobs", null);
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }

        /// <summary>
        /// The files of a job's archive, in the order they are written. <paramref name="jobJson"/> is the job as the service
        /// returned it. The files that describe the job (job.json, events, checkpoints, metrics, spec) are marked
        /// <see cref="ArchiveItem.Refresh"/> when the archive on disk holds the job in another state, or in a state that was
        /// not final.
        /// </summary>
        public IReadOnlyList<ArchiveItem> Plan(FineTuningJob job, byte[] jobJson)
        {
            var folder = FolderOf(job.Id);
            var refresh = !ArchivedFinal(System.IO.Path.Combine(folder, "job.json"), job);
            var items = new List<ArchiveItem>
            {
                new ArchiveItem("job.json", "the job as the service returned it", refresh, (s, ct) => s.WriteAsync(jobJson, 0, jobJson.Length, ct)),
                new ArchiveItem("events.jsonl", "the job's events, oldest first, one JSON object a line", refresh, (s, ct) => WriteEvents(job.Id, s, ct)),
                new ArchiveItem("checkpoints.json", "the job's checkpoints", refresh, (s, ct) => WriteCheckpoints(job.Id, s, ct)),
                new ArchiveItem("metrics.csv", "the job's metrics, one row a step", refresh, (s, ct) => WriteMetrics(job, s, ct)),
            };
            foreach (var id in (job.ResultFiles ?? new List<string>()).Distinct(StringComparer.Ordinal))
            {
                var safe = DownloadTarget.LeafName(id);
                var leaf = safe is null ? null : DownloadTarget.LeafName(safe + ".csv");
                if (leaf is null) continue;
                items.Add(new ArchiveItem("results/" + leaf, $"result file {id}", false, (s, ct) => WriteResultFile(id, s, ct)));
            }
            string? trainingName = null, validationName = null;
            if (IncludeData)
            {
                trainingName = DataName("training", job.TrainingFile);
                validationName = DataName("validation", job.ValidationFile);
                if (trainingName != null) items.Add(new ArchiveItem(trainingName, $"training file {job.TrainingFile}", false, (s, ct) => Download(job.TrainingFile!, s, ct)));
                if (validationName != null) items.Add(new ArchiveItem(validationName, $"validation file {job.ValidationFile}", false, (s, ct) => Download(job.ValidationFile!, s, ct)));
            }
            items.Add(new ArchiveItem("spec.psd1", "a job spec that re-creates the job (New-FineTuningJob -Spec)", refresh, (s, ct) =>
            {
                // The spec points at the archived data where it is in the archive, else at the service's file ids.
                string? Local(string? name) => name != null && File.Exists(System.IO.Path.Combine(folder, name.Replace('/', System.IO.Path.DirectorySeparatorChar))) ? name : null;
                var spec = JobSpecWriter.FromJob(job, Local(trainingName), Local(validationName));
                var text = JobSpecWriter.ToPowerShellData(spec, $"Job {job.Id}, archived {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. New-FineTuningJob -Spec <this file> creates it again.");
                var bytes = new UTF8Encoding(false).GetBytes(text);
                return s.WriteAsync(bytes, 0, bytes.Length, ct);
            }));
            return items;
        }

        private static string? DataName(string kind, string? fileId)
        {
            if (string.IsNullOrEmpty(fileId)) return null;
            var id = DownloadTarget.LeafName(fileId);
            var leaf = id is null ? null : DownloadTarget.LeafName($"{kind}-{id}.jsonl");
            return leaf is null ? null : "data/" + leaf;
        }

        /// <summary>True when the archive holds the job in the same final state as now: the files describing it are whole and current.</summary>
        private static bool ArchivedFinal(string path, FineTuningJob job)
        {
            if (!job.IsFinal || !File.Exists(path)) return false;
            try
            {
                var archived = JsonSerializer.Deserialize(File.ReadAllBytes(path), ClientJsonContext.Default.FineTuningJob);
                return archived != null && archived.Status == job.Status && archived.Id == job.Id;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>
        /// Writes one item into the job's folder unless it is already whole. Returns the bytes written, 0 when kept, or
        /// null when the service refused its content (the reason goes to <paramref name="result"/>).
        /// </summary>
        public async Task<long?> WriteAsync(FineTuningJob job, ArchiveItem item, JobArchiveResult result, CancellationToken ct)
        {
            var target = PathOf(job.Id, item);
            if (File.Exists(target) && !item.Refresh)
            {
                result.Kept.Add(item.Name);
                result.TotalBytes += new FileInfo(target).Length;
                return 0;
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            var partial = target + ".partial";
            try
            {
                using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                {
                    await item.Write(stream, ct).ConfigureAwait(false);
                }
                if (File.Exists(target)) File.Delete(target);
                File.Move(partial, target);
            }
            catch (FineTuningServiceException ex)
            {
                result.Missing.Add(new ArchiveMissing(item.Name, $"{(int)ex.StatusCode} {ex.Message}"));
                return null;
            }
            finally
            {
                if (File.Exists(partial)) File.Delete(partial);
            }
            var length = new FileInfo(target).Length;
            result.Written.Add(item.Name);
            result.BytesWritten += length;
            result.TotalBytes += length;
            return length;
        }

        /// <summary>The full path of an item, checked to be inside the job's folder.</summary>
        public string PathOf(string jobId, ArchiveItem item)
        {
            var folder = FolderOf(jobId);
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, item.Name.Replace('/', System.IO.Path.DirectorySeparatorChar)));
            if (!full.StartsWith(folder + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new UnsafeFileNameException(item.Name, $"'{item.Name}' would be written outside '{folder}'; it was not.");
            return full;
        }

        private async Task WriteEvents(string jobId, Stream stream, CancellationToken ct)
        {
            var pager = new Pager<FineTuningEvent>((after, limit, c) => _client.Jobs.ListEventsAsync(jobId, after, limit, c), e => e.Id, 100);
            var events = await pager.ToListAsync(ct).ConfigureAwait(false);
            events.Reverse(); // the service lists newest first; an archive reads oldest first
            var newline = new[] { (byte)'\n' };
            foreach (var e in events)
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(e, ClientJsonContext.Default.FineTuningEvent);
                await stream.WriteAsync(bytes, 0, bytes.Length, ct).ConfigureAwait(false);
                await stream.WriteAsync(newline, 0, 1, ct).ConfigureAwait(false);
            }
        }

        private async Task WriteCheckpoints(string jobId, Stream stream, CancellationToken ct)
        {
            var pager = new Pager<FineTuningCheckpoint>((after, limit, c) => _client.Jobs.ListCheckpointsAsync(jobId, after, limit, c), c => c.Id, 100);
            var checkpoints = (await pager.ToListAsync(ct).ConfigureAwait(false)).OrderBy(c => c.StepNumber).ToList();
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            writer.WriteStartArray();
            foreach (var c in checkpoints) JsonSerializer.Serialize(writer, c, ClientJsonContext.Default.FineTuningCheckpoint);
            writer.WriteEndArray();
            await writer.FlushAsync(ct).ConfigureAwait(false);
        }

        private async Task WriteMetrics(FineTuningJob job, Stream stream, CancellationToken ct)
        {
            var rows = await MetricReader.ReadAsync(_client, job, ct).ConfigureAwait(false);
            var bytes = new UTF8Encoding(false).GetBytes(MetricCsv.Write(rows));
            await stream.WriteAsync(bytes, 0, bytes.Length, ct).ConfigureAwait(false);
        }

        private async Task WriteResultFile(string fileId, Stream stream, CancellationToken ct)
        {
            using var buffer = new MemoryStream();
            await _client.Files.DownloadContentAsync(fileId, buffer, ct, FilesClient.MaxMetricsBytes).ConfigureAwait(false);
            var bytes = new UTF8Encoding(false).GetBytes(ResultFile.Decode(buffer.ToArray()));
            await stream.WriteAsync(bytes, 0, bytes.Length, ct).ConfigureAwait(false);
        }

        private Task Download(string fileId, Stream stream, CancellationToken ct) => _client.Files.DownloadContentAsync(fileId, stream, ct);
    }
}
