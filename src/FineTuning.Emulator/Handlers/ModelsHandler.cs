using System;
using System.Linq;
using System.Text.Json.Nodes;
using FineTuning.Client;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary><c>/models</c>: the base models the emulator fine-tunes, the fine-tuned models its jobs made and their checkpoints; deleting a fine-tuned model.</summary>
    internal sealed class ModelsHandler
    {
        private readonly EmulatorStore _store;
        private readonly JobLifecycle _jobs;
        private readonly string _organizationId;

        public ModelsHandler(EmulatorStore store, JobLifecycle jobs, string organizationId)
        {
            _store = store;
            _jobs = jobs;
            _organizationId = organizationId;
        }

        public void Register(RouteTable routes)
        {
            routes.Api("GET", "models", (r, _) => Models(r, "GET", new[] { "models" }))
                .Api("GET", "models/{id}", (r, v) => Models(r, "GET", new[] { "models", v["id"] }))
                .Api("DELETE", "models/{id}", (r, v) => Models(r, "DELETE", new[] { "models", v["id"] }));
        }

        private EmulatorResponse Models(EmulatorRequest request, string method, string[] s)
        {
            if (s.Length == 1 && method == "GET")
            {
                var data = new JsonArray();
                foreach (var m in BaseModels.Known) data.Add(ModelNode(m.Snapshot, m.Created.ToUnixTimeSeconds(), "system"));
                lock (_store.Gate)
                {
                    // Jobs move on only when read: bring each up to the clock, or a job that finished unread has no model yet.
                    foreach (var job in _jobs.TouchAll().OrderBy(j => j.Sequence))
                    {
                        var name = job.Job.FineTunedModel;
                        if (name != null && !_store.DeletedModels.Contains(name)) data.Add(FineTunedModelNode(request, job.Job));
                    }
                }
                return Json(200, new JsonObject { ["object"] = "list", ["data"] = data });
            }
            if (s.Length == 2)
            {
                var id = s[1];
                var known = BaseModels.Find(id);
                if (known != null)
                {
                    if (method == "DELETE") throw new ApiError(403, $"You cannot delete the base model {id}.", "model", null);
                    return Json(200, ModelNode(known.Snapshot, known.Created.ToUnixTimeSeconds(), "system"));
                }
                JobRecord? owner;
                FineTuningCheckpoint? checkpoint = null;
                lock (_store.Gate)
                {
                    owner = _jobs.TouchAll().FirstOrDefault(j => j.Job.FineTunedModel == id && !_store.DeletedModels.Contains(id));
                    if (owner is null && method == "GET")
                    {
                        // A checkpoint is a model of its own, readable by its name while its fine-tuned model exists.
                        checkpoint = _store.Jobs.Values
                            .Where(j => j.Job.FineTunedModel != null && !_store.DeletedModels.Contains(j.Job.FineTunedModel))
                            .SelectMany(j => j.Checkpoints)
                            .FirstOrDefault(c => c.FineTunedModelCheckpoint == id);
                    }
                }
                if (checkpoint != null) return Json(200, ModelNode(id, checkpoint.CreatedAt.ToUnixTimeSeconds(), _organizationId));
                if (owner is null) throw new ApiError(404, $"The model '{id}' does not exist", "model", "model_not_found");
                if (method == "DELETE")
                {
                    lock (_store.Gate)
                    {
                        _store.DeletedModels.Add(id);
                        _store.MarkDirty();
                    }
                    return Json(200, new JsonObject { ["id"] = id, ["object"] = "model", ["deleted"] = true });
                }
                return Json(200, FineTunedModelNode(request, owner.Job));
            }
            throw new ApiError(404, "Invalid URL (models)", null, null);
        }

        private static JsonObject ModelNode(string id, long created, string owner) =>
            new JsonObject { ["id"] = id, ["object"] = "model", ["created"] = created, ["owned_by"] = owner, ["shutdown_date"] = null };

        /// <summary>A fine-tuned model; Azure OpenAI also names its base model, the job that made it and its status.</summary>
        private JsonObject FineTunedModelNode(EmulatorRequest request, FineTuningJob job)
        {
            var node = ModelNode(job.FineTunedModel!, (job.FinishedAt ?? job.CreatedAt).ToUnixTimeSeconds(), _organizationId);
            if (request.Dialect != Dialect.OpenAI)
            {
                node["status"] = "succeeded";
                node["model"] = job.Model;
                node["fine_tune"] = job.Id;
            }
            return node;
        }
    }
}
