using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using static FineTuning.Emulator.Wire;

namespace FineTuning.Emulator
{
    /// <summary><c>/fine_tuning/alpha/graders/validate</c> and <c>/run</c>, and the grader check job creation uses too.</summary>
    internal static class GradersHandler
    {
        public static void Register(RouteTable routes)
        {
            routes.Api("POST", "fine_tuning/alpha/graders/validate", (r, _) => GraderEndpoint(r, "validate"))
                .Api("POST", "fine_tuning/alpha/graders/run", (r, _) => GraderEndpoint(r, "run"));
        }

        private static readonly Dictionary<string, string[]> GraderFields = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["string_check"] = new[] { "name", "input", "reference", "operation" },
            ["text_similarity"] = new[] { "name", "input", "reference", "evaluation_metric" },
            ["score_model"] = new[] { "name", "model", "input" },
            ["label_model"] = new[] { "name", "model", "input", "labels", "passing_labels" },
            ["python"] = new[] { "name", "source" },
            ["multi"] = new[] { "name", "graders", "calculate_output" },
        };

        /// <summary>Checks a grader as the service's schema does; throws a 400 naming the field.</summary>
        internal static void CheckGrader(JsonElement grader, string path)
        {
            if (grader.ValueKind != JsonValueKind.Object) throw new ApiError(400, $"Invalid type for '{path}': expected an object.", path, "invalid_type");
            var type = OptionalString(grader, "type") ?? throw new ApiError(400, $"Missing required parameter: '{path}.type'.", path + ".type", null);
            if (!GraderFields.TryGetValue(type, out var required))
                throw new ApiError(400, $"Invalid value for '{path}.type': '{type}'. Supported values are: {string.Join(", ", GraderFields.Keys.Select(k => "'" + k + "'"))}.", path + ".type", "invalid_value");
            foreach (var field in required)
            {
                if (!grader.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
                    throw new ApiError(400, $"Missing required parameter: '{path}.{field}'.", $"{path}.{field}", null);
            }
            switch (type)
            {
                case "string_check":
                    var op = OptionalString(grader, "operation");
                    if (op != "eq" && op != "ne" && op != "like" && op != "ilike")
                        throw new ApiError(400, $"Invalid value for '{path}.operation': '{op}'. Supported values are: 'eq', 'ne', 'like', 'ilike'.", path + ".operation", "invalid_value");
                    break;
                case "text_similarity":
                    var metric = OptionalString(grader, "evaluation_metric");
                    if (Array.IndexOf(Graders.Metrics, metric) < 0)
                        throw new ApiError(400, $"Invalid value for '{path}.evaluation_metric': '{metric}'. Supported values are: {string.Join(", ", Graders.Metrics)}.", path + ".evaluation_metric", "invalid_value");
                    break;
                case "multi":
                    var subs = grader.GetProperty("graders");
                    if (subs.ValueKind != JsonValueKind.Object) throw new ApiError(400, $"Invalid type for '{path}.graders': expected an object of named graders.", path + ".graders", "invalid_type");
                    foreach (var sub in subs.EnumerateObject()) CheckGrader(sub.Value, $"{path}.graders.{sub.Name}");
                    break;
            }
        }

        /// <summary>POST /fine_tuning/alpha/graders/validate and /run.</summary>
        private static EmulatorResponse GraderEndpoint(EmulatorRequest request, string action)
        {
            var root = ParseBody(request);
            if (!root.TryGetProperty("grader", out var grader) || grader.ValueKind == JsonValueKind.Null)
                throw new ApiError(400, "Missing required parameter: 'grader'.", "grader", null);
            CheckGrader(grader, "grader");
            var graderNode = JsonNode.Parse(grader.GetRawText());
            if (action == "validate") return Json(200, new JsonObject { ["grader"] = graderNode });

            var sample = OptionalString(root, "model_sample") ?? throw new ApiError(400, "Missing required parameter: 'model_sample'.", "model_sample", null);
            JsonElement? item = null;
            if (root.TryGetProperty("item", out var it) && it.ValueKind != JsonValueKind.Null)
            {
                if (it.ValueKind != JsonValueKind.Object) throw new ApiError(400, "Invalid type for 'item': expected an object.", "item", "invalid_type");
                item = it;
            }
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var reward = Graders.Run(grader, item, sample);
            var errors = new JsonObject();
            foreach (var flag in new[] { "formula_parse_error", "sample_parse_error", "truncated_observation_error", "unresponsive_reward_error", "invalid_variable_error", "other_error", "python_grader_server_error", "python_grader_runtime_error", "model_grader_server_error", "model_grader_refusal_error", "model_grader_parse_error" })
                errors[flag] = false;
            // The details that go with three of the flags are always present, null when nothing went wrong, as the service sends them.
            foreach (var detail in new[] { "python_grader_server_error_type", "python_grader_runtime_error_details", "model_grader_server_error_details" })
                errors[detail] = null;
            return Json(200, new JsonObject
            {
                ["reward"] = reward,
                ["metadata"] = new JsonObject
                {
                    ["name"] = OptionalString(grader, "name"),
                    ["type"] = OptionalString(grader, "type"),
                    ["errors"] = errors,
                    ["execution_time"] = watch.Elapsed.TotalSeconds,
                    ["scores"] = new JsonObject(),
                    ["token_usage"] = null,
                    ["sampled_model_name"] = null,
                },
                ["sub_rewards"] = new JsonObject(),
                ["model_grader_token_usage_per_model"] = new JsonObject(),
            });
        }
    }
}
