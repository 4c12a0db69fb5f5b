using System;
using System.Collections.Generic;

namespace FineTuning.Emulator
{
    /// <summary>The values a route's template captured, e.g. <c>{id}</c> in <c>files/{id}/content</c>.</summary>
    internal sealed class RouteValues
    {
        private readonly Dictionary<string, string> _values = new Dictionary<string, string>(StringComparer.Ordinal);

        public string this[string name] => _values[name];

        internal void Set(string name, string value) => _values[name] = value;
    }

    /// <summary>
    /// Every path the emulator answers, in one table: method, template and handler. API paths are matched after their
    /// dialect prefix (<c>/v1</c>, <c>/openai/v1</c>, or <c>/openai</c> with <c>api-version</c>); the test controls live
    /// under <c>/_emulator</c>. A path no route takes is a 404, or for a resource that says so (files) a 405.
    /// </summary>
    internal sealed class RouteTable
    {
        private sealed class Route
        {
            public string Method = string.Empty;
            public string[] Template = Array.Empty<string>();
            public bool Admin;
            public bool AzureOnly;
            public Func<EmulatorRequest, RouteValues, EmulatorResponse> Handler = (_, _) => throw new InvalidOperationException();
        }

        private readonly List<Route> _routes = new List<Route>();
        private readonly HashSet<string> _methodNotAllowed = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Runs before every API request is routed (the store's file expiry).</summary>
        public Action? BeforeApi { get; set; }

        /// <summary>An API route, e.g. <c>Api("GET", "files/{id}/content", handler)</c>.</summary>
        public RouteTable Api(string method, string template, Func<EmulatorRequest, RouteValues, EmulatorResponse> handler, bool azureOnly = false)
        {
            _routes.Add(new Route { Method = method, Template = Split(template), AzureOnly = azureOnly, Handler = handler });
            return this;
        }

        /// <summary>A test control under <c>/_emulator</c>.</summary>
        public RouteTable Admin(string method, string template, Func<EmulatorRequest, RouteValues, EmulatorResponse> handler)
        {
            _routes.Add(new Route { Method = method, Template = Split(template), Admin = true, Handler = handler });
            return this;
        }

        /// <summary>Paths under this first segment that no route takes answer 405 instead of 404, as the service's files API does.</summary>
        public RouteTable MethodNotAllowedUnder(string firstSegment)
        {
            _methodNotAllowed.Add(firstSegment);
            return this;
        }

        public EmulatorResponse Dispatch(EmulatorRequest request)
        {
            var path = request.Path.TrimEnd('/');
            var method = request.Method.ToUpperInvariant();
            if (path == "/_emulator" || path.StartsWith("/_emulator/", StringComparison.Ordinal))
                return Find(request, method, Split(path.Substring("/_emulator".Length)), admin: true)
                    ?? throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);

            string rest;
            if (path == "/openai/v1" || path.StartsWith("/openai/v1/", StringComparison.Ordinal))
            {
                request.Dialect = Dialect.AzureV1;
                rest = path.Substring("/openai/v1".Length);
            }
            else if (path.StartsWith("/openai/", StringComparison.Ordinal))
            {
                request.Dialect = Dialect.AzureDated;
                if (string.IsNullOrEmpty(request.QueryValue("api-version")))
                    throw new ApiError(404, "Resource not found. The dated Azure OpenAI API needs an api-version query parameter.", null, "404");
                rest = path.Substring("/openai".Length);
            }
            else if (path == "/v1" || path.StartsWith("/v1/", StringComparison.Ordinal))
            {
                request.Dialect = Dialect.OpenAI;
                rest = path.Substring("/v1".Length);
            }
            else
            {
                throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);
            }

            BeforeApi?.Invoke();
            var segments = Split(rest);
            var answer = Find(request, method, segments, admin: false);
            if (answer != null) return answer;
            if (segments.Length > 0 && _methodNotAllowed.Contains(segments[0]))
                throw new ApiError(405, $"Method {method} is not allowed on {request.Path}.", null, null);
            throw new ApiError(404, $"Invalid URL ({request.Method} {request.Path})", null, null);
        }

        private EmulatorResponse? Find(EmulatorRequest request, string method, string[] segments, bool admin)
        {
            foreach (var route in _routes)
            {
                if (route.Admin != admin || route.Method != method || route.Template.Length != segments.Length) continue;
                if (route.AzureOnly && request.Dialect == Dialect.OpenAI) continue;
                var values = new RouteValues();
                var match = true;
                for (var i = 0; i < segments.Length && match; i++)
                {
                    var part = route.Template[i];
                    if (part.Length > 2 && part[0] == '{' && part[part.Length - 1] == '}') values.Set(part.Substring(1, part.Length - 2), segments[i]);
                    else match = string.Equals(part, segments[i], StringComparison.Ordinal);
                }
                if (match) return route.Handler(request, values);
            }
            return null;
        }

        private static string[] Split(string path) => path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
    }
}
