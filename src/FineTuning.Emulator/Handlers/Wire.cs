using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTuning.Client.Json;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The service's wire conventions, shared by every handler: JSON answers and error envelopes (OpenAI's and the dated
    /// Azure API's), list pages, the limit parameter, and reading a JSON body's fields with the service's type errors.
    /// </summary>
    internal static class Wire
    {
        internal static int Limit(EmulatorRequest request, int fallback, int max)
        {
            var text = request.QueryValue("limit");
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) || limit < 1)
                throw new ApiError(400, $"Invalid 'limit': '{text}'. Expected an integer of at least 1.", "limit", null);
            return Math.Min(limit, max);
        }

        internal static JsonObject Page<T>(List<T> items, Func<T, string> id, Func<T, JsonNode> node, string? after, int limit, bool withIds)
        {
            var start = 0;
            if (!string.IsNullOrEmpty(after))
            {
                var index = items.FindIndex(i => id(i) == after);
                start = index < 0 ? items.Count : index + 1;
            }
            var page = items.Skip(start).Take(limit).ToList();
            var data = new JsonArray();
            foreach (var item in page) data.Add(node(item));
            var result = new JsonObject { ["object"] = "list", ["data"] = data };
            if (withIds)
            {
                result["first_id"] = page.Count > 0 ? id(page[0]) : null;
                result["last_id"] = page.Count > 0 ? id(page[page.Count - 1]) : null;
            }
            result["has_more"] = start + page.Count < items.Count;
            return result;
        }

        internal static JsonObject ToNode(byte[] utf8) => (JsonObject)JsonNode.Parse(utf8)!;

        internal static EmulatorResponse Json(int status, JsonNode node) =>
            new EmulatorResponse { Status = status, Body = Encoding.UTF8.GetBytes(node.ToJsonString()) };

        internal static EmulatorResponse Error(int status, string message, string? param, string? code, string type = "invalid_request_error")
        {
            var body = new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
            };
            var response = Json(status, body);
            response.Headers["x-request-id"] = "req_emu" + Guid.NewGuid().ToString("N").Substring(0, 20);
            return response;
        }

        /// <summary>The dated Azure API's error shape: {"error":{"code","message","target"}} with Azure's codes.</summary>
        internal static EmulatorResponse AzureError(int status, string message, string? target, string? code)
        {
            string azureCode;
            switch (status)
            {
                case 400: azureCode = code == "transition" ? "unexpectedEntityState" : code == "invalid_training_file" ? "jsonlValidationFailed" : code == "fileImportFailed" ? code : "invalidPayload"; break;
                case 401: azureCode = "unauthorized"; break;
                case 403: azureCode = "forbidden"; break;
                case 404: azureCode = "notFound"; break;
                case 409: azureCode = "conflict"; break;
                case 429: azureCode = "tooManyRequests"; break;
                case 503: azureCode = "serviceUnavailable"; break;
                default: azureCode = status >= 500 ? "internalFailure" : "invalidPayload"; break;
            }
            var error = new JsonObject { ["code"] = azureCode, ["message"] = message };
            if (target != null) error["target"] = target;
            var response = Json(status, new JsonObject { ["error"] = error });
            response.Headers["apim-request-id"] = Guid.NewGuid().ToString();
            return response;
        }

        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        internal static JsonElement ParseBody(EmulatorRequest request)
        {
            if (request.Body.Length == 0) throw new ApiError(400, "The request needs a JSON body.", null, null);
            try
            {
                StrictUtf8.GetCharCount(request.Body);
            }
            catch (DecoderFallbackException e)
            {
                var at = e.Index >= 0 ? $" (byte offset {e.Index})" : string.Empty;
                throw new ApiError(400, $"We could not parse the JSON body of your request: it is not valid UTF-8{at}. Send the body encoded as UTF-8.", null, "invalid_utf8");
            }
            try
            {
                using var doc = JsonDocument.Parse(request.Body);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new ApiError(400, "The request body must be a JSON object.", null, null);
                return doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new ApiError(400, "We could not parse the JSON body of your request. " + e.Message, null, null);
            }
        }

        internal static string? OptionalString(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String) throw new ApiError(400, $"Invalid type for '{name}': expected a string, but got {Kind(v)}.", name, "invalid_type");
            return v.GetString();
        }

        internal static int? OptionalInt(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d != Math.Floor(d) || d > int.MaxValue || d < int.MinValue)
                throw new ApiError(400, $"Invalid type for '{name}': expected an integer, but got {Kind(v)}.", name, "invalid_type");
            return (int)d;
        }

        internal static double? OptionalDouble(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.Number) throw new ApiError(400, $"Invalid type for '{name}': expected a number, but got {Kind(v)}.", name, "invalid_type");
            return v.GetDouble();
        }

        internal static string Kind(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.String: return "a string";
                case JsonValueKind.Number: return "a number";
                case JsonValueKind.Object: return "an object";
                case JsonValueKind.Array: return "an array";
                case JsonValueKind.True:
                case JsonValueKind.False: return "a boolean";
                default: return "null";
            }
        }

        internal static JsonObject FileNode(StoredFile file)
        {
            var node = ToNode(JsonSerializer.SerializeToUtf8Bytes(file.Info, ClientJsonContext.Default.FineTuningFile));
            if (!node.ContainsKey("status_details")) node["status_details"] = null;
            return node;
        }
    }
}
