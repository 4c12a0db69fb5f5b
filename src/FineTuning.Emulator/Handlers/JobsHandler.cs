using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client;
using FineTuning.Client.Json;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary>
    /// <c>/fine_tuning/jobs</c>: create, list, retrieve, cancel, pause, resume, events, checkpoints, and Azure's delete.
    /// The request is read here; what happens to the job is <see cref="JobLifecycle"/>'s.
    /// </summary>
    internal sealed class JobsHandler
    {
        private readonly EmulatorStore _store;
        private readonly JobLifecycle _lifecycle;

        public JobsHandler(EmulatorStore store, JobLifecycle lifecycle)
        {
            _store = store;
            _lifecycle = lifecycle;
        }

        public void Register(RouteTable routes)
        {
            routes.Api("POST", "fine_tuning/jobs", (r, _) => Create(r))
                .Api("GET", "fine_tuning/jobs", (r, _) => List(r))
                .Api("GET", "fine_tuning/jobs/{id}", (_, v) => Locked(() => Json(200, JobNode(_lifecycle.Touch(v["id"])))))
                .Api("DELETE", "fine_tuning/jobs/{id}", (_, v) => Locked(() => Delete(v["id"])), azureOnly: true)
                .Api("POST", "fine_tuning/jobs/{id}/cancel", (_, v) => Locked(() => Json(200, JobNode(_lifecycle.Cancel(_lifecycle.Touch(v["id"]))))))
                .Api("POST", "fine_tuning/jobs/{id}/pause", (_, v) => Locked(() => Json(200, JobNode(_lifecycle.Pause(_lifecycle.Touch(v["id"]))))))
                .Api("POST", "fine_tuning/jobs/{id}/resume", (_, v) => Locked(() => Json(200, JobNode(_lifecycle.Resume(_lifecycle.Touch(v["id"]))))))
                .Api("GET", "fine_tuning/jobs/{id}/events", (r, v) => Events(r, v["id"]))
                .Api("GET", "fine_tuning/jobs/{id}/checkpoints", (r, v) => Checkpoints(r, v["id"]));
        }

        private EmulatorResponse Locked(Func<EmulatorResponse> action)
        {
            lock (_store.Gate) return action();
        }

        private EmulatorResponse Create(EmulatorRequest request)
        {
            var spec = JobRequestReader.Read(request, ResolveModel);
            lock (_store.Gate)
            {
                var record = _lifecycle.Create(spec);
                var response = Json(spec.Azure ? 201 : 200, JobNode(record));
                if (spec.Azure) response.Headers["Location"] = $"/openai/fine_tuning/jobs/{record.Job.Id}";
                return response;
            }
        }

        /// <summary>A base model's snapshot name, or a fine-tuned model (or checkpoint) that still exists; else the service's 400.</summary>
        private string ResolveModel(string model)
        {
            if (model.StartsWith("ft:", StringComparison.Ordinal))
            {
                lock (_store.Gate)
                {
                    if (_store.Jobs.Values.Any(j => j.Job.FineTunedModel == model || j.Checkpoints.Any(c => c.FineTunedModelCheckpoint == model)) && !_store.DeletedModels.Contains(model))
                        return model;
                }
                throw new ApiError(400, $"Model {model} is not available for fine-tuning or does not exist.", "model", "model_not_available");
            }
            foreach (var m in BaseModels.Known)
            {
                if (m.Alias == model || m.Snapshot == model) return m.Snapshot;
            }
            throw new ApiError(400, $"Model {model} is not available for fine-tuning or does not exist.", "model", "model_not_available");
        }

        private EmulatorResponse Delete(string id)
        {
            _lifecycle.Delete(id);
            return new EmulatorResponse { Status = 204, ContentType = "application/json" };
        }

        private EmulatorResponse List(EmulatorRequest request)
        {
            var limit = Limit(request, 20, 100);
            var filters = new List<KeyValuePair<string, string>>();
            var withoutMetadata = false;
            foreach (var kv in request.Query)
            {
                if (kv.Key == "metadata" && kv.Value == "null") withoutMetadata = true;
                else if (kv.Key.StartsWith("metadata[", StringComparison.Ordinal) && kv.Key.EndsWith("]", StringComparison.Ordinal))
                    filters.Add(new KeyValuePair<string, string>(kv.Key.Substring(9, kv.Key.Length - 10), kv.Value));
            }
            lock (_store.Gate)
            {
                var matching = _lifecycle.TouchAll()
                    .Where(j => withoutMetadata ? j.Job.Metadata is null || j.Job.Metadata.Count == 0
                        : filters.All(f => j.Job.Metadata != null && j.Job.Metadata.TryGetValue(f.Key, out var v) && v == f.Value))
                    .OrderByDescending(j => j.Sequence)
                    .ToList();
                return Json(200, Page(matching, j => j.Job.Id, JobNode, request.QueryValue("after"), limit, withIds: false));
            }
        }

        private EmulatorResponse Events(EmulatorRequest request, string id)
        {
            var limit = Limit(request, 20, 100);
            lock (_store.Gate)
            {
                var job = _lifecycle.Touch(id);
                var events = Enumerable.Reverse(job.Events).ToList();
                return Json(200, Page(events, e => e.Id,
                    e => ToNode(JsonSerializer.SerializeToUtf8Bytes(e, ClientJsonContext.Default.FineTuningEvent)), request.QueryValue("after"), limit, withIds: false));
            }
        }

        private EmulatorResponse Checkpoints(EmulatorRequest request, string id)
        {
            var limit = Limit(request, 10, 100);
            lock (_store.Gate)
            {
                var job = _lifecycle.Touch(id);
                var checkpoints = job.Checkpoints.OrderByDescending(c => c.StepNumber).ToList();
                return Json(200, Page(checkpoints, c => c.Id,
                    c => ToNode(JsonSerializer.SerializeToUtf8Bytes(c, ClientJsonContext.Default.FineTuningCheckpoint)), request.QueryValue("after"), limit, withIds: true));
            }
        }

        private static JsonObject JobNode(JobRecord record)
        {
            var node = ToNode(JsonSerializer.SerializeToUtf8Bytes(record.Job, ClientJsonContext.Default.FineTuningJob));
            // The service writes these keys even when they are null.
            foreach (var key in new[] { "validation_file", "fine_tuned_model", "finished_at", "trained_tokens", "error", "estimated_finish", "integrations", "metadata", "user_provided_suffix", "usage_metrics" })
            {
                if (!node.ContainsKey(key)) node[key] = null;
            }
            if (!node.ContainsKey("shared_with_openai")) node["shared_with_openai"] = false;
            return node;
        }
    }
}
