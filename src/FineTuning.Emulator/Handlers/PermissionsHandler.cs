using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary><c>/fine_tuning/checkpoints/{name}/permissions</c>: sharing a checkpoint with projects (list, grant, revoke).</summary>
    internal sealed class PermissionsHandler
    {
        private readonly EmulatorStore _store;
        private readonly EmulatorClock _clock;

        public PermissionsHandler(EmulatorStore store, EmulatorClock clock)
        {
            _store = store;
            _clock = clock;
        }

        public void Register(RouteTable routes)
        {
            routes.Api("GET", "fine_tuning/checkpoints/{name}/permissions", (r, v) => Permissions(r, "GET", new[] { "fine_tuning", "checkpoints", v["name"], "permissions" }))
                .Api("POST", "fine_tuning/checkpoints/{name}/permissions", (r, v) => Permissions(r, "POST", new[] { "fine_tuning", "checkpoints", v["name"], "permissions" }))
                .Api("DELETE", "fine_tuning/checkpoints/{name}/permissions/{id}", (r, v) => Permissions(r, "DELETE", new[] { "fine_tuning", "checkpoints", v["name"], "permissions", v["id"] }));
        }

        /// <summary>GET, POST /fine_tuning/checkpoints/{name}/permissions and DELETE .../{permission_id}.</summary>
        private EmulatorResponse Permissions(EmulatorRequest request, string method, string[] s)
        {
            var checkpoint = s[2];
            lock (_store.Gate)
            {
                var known = _store.Jobs.Values.Any(j => j.Checkpoints.Any(c => c.FineTunedModelCheckpoint == checkpoint) || j.Job.FineTunedModel == checkpoint);
                if (!known) throw new ApiError(404, $"No checkpoint named '{checkpoint}' was found.", "fine_tuned_model_checkpoint", null);
            }
            if (s.Length == 4 && method == "GET")
            {
                var limit = Limit(request, 10, 100);
                var order = request.QueryValue("order") ?? "descending";
                if (order != "ascending" && order != "descending")
                    throw new ApiError(400, $"Invalid 'order': '{order}'. Expected 'ascending' or 'descending'.", "order", null);
                var project = request.QueryValue("project_id");
                List<CheckpointPermission> list;
                lock (_store.Gate)
                {
                    list = _store.Permissions.Where(p => p.Checkpoint == checkpoint && (project == null || p.ProjectId == project)).ToList();
                }
                list = order == "ascending" ? list.OrderBy(p => p.Sequence).ToList() : list.OrderByDescending(p => p.Sequence).ToList();
                return Json(200, Page(list, p => p.Id, PermissionNode, request.QueryValue("after"), limit, withIds: true));
            }
            if (s.Length == 4 && method == "POST")
            {
                var root = ParseBody(request);
                if (!root.TryGetProperty("project_ids", out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0)
                    throw new ApiError(400, "Missing required parameter: 'project_ids' (a non-empty array of project ids).", "project_ids", null);
                var created = new List<CheckpointPermission>();
                lock (_store.Gate)
                {
                    foreach (var id in ids.EnumerateArray())
                    {
                        var project = id.ValueKind == JsonValueKind.String ? id.GetString()! : throw new ApiError(400, "'project_ids' must hold strings.", "project_ids", "invalid_type");
                        if (!project.StartsWith("proj_", StringComparison.Ordinal))
                            throw new ApiError(400, $"Invalid project id '{project}': project ids start with 'proj_'.", "project_ids", "invalid_value");
                        var permission = new CheckpointPermission
                        {
                            Id = _store.Ids.NewId("cp_", 24, id => _store.Permissions.Any(p => p.Id == id)), Checkpoint = checkpoint, ProjectId = project, CreatedAt = _clock.Now, Sequence = _store.NextSequence(),
                        };
                        _store.Permissions.Add(permission);
                        created.Add(permission);
                    }
                    _store.MarkDirty();
                }
                return Json(200, Page(created, p => p.Id, PermissionNode, null, created.Count, withIds: true));
            }
            if (s.Length == 5 && method == "DELETE")
            {
                lock (_store.Gate)
                {
                    var index = _store.Permissions.FindIndex(p => p.Id == s[4] && p.Checkpoint == checkpoint);
                    if (index < 0) throw new ApiError(404, $"No permission '{s[4]}' on checkpoint '{checkpoint}'.", "permission_id", null);
                    _store.Permissions.RemoveAt(index);
                    _store.MarkDirty();
                }
                return Json(200, new JsonObject { ["id"] = s[4], ["object"] = "checkpoint.permission", ["deleted"] = true });
            }
            throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);
        }

        private static JsonNode PermissionNode(CheckpointPermission p) => new JsonObject
        {
            ["id"] = p.Id, ["object"] = "checkpoint.permission", ["created_at"] = p.CreatedAt.ToUnixTimeSeconds(), ["project_id"] = p.ProjectId,
        };
    }
}
