using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>
    /// What every resource client of <see cref="FineTuningClient"/> shares: the connection's sender (retries, redirects,
    /// bounded reads, errors, logging) and the conventions of the API's paths, queries and JSON bodies.
    /// </summary>
    public abstract class ApiResource
    {
        private protected ApiResource(ApiSender sender) => Sender = sender;

        private protected ApiSender Sender { get; }

        /// <summary>The connection this resource's requests go to.</summary>
        public FineTuningConnection Connection => Sender.Connection;

        /// <summary>Escapes one path segment (ids, checkpoint names with ':').</summary>
        public static string Segment(string value) => Uri.EscapeDataString(value ?? string.Empty);

        /// <summary>A POST that carries no body (the job actions).</summary>
        private protected static readonly Func<HttpContent?> EmptyBody = () => null;

        private protected Task<T> GetJsonAsync<T>(string path, IEnumerable<KeyValuePair<string, string>>? query, JsonTypeInfo<T> answer, CancellationToken ct) =>
            Sender.SendJsonAsync(HttpMethod.Get, path, query, null, answer, ct);

        private protected Task<T> DeleteJsonAsync<T>(string path, JsonTypeInfo<T> answer, CancellationToken ct) =>
            Sender.SendJsonAsync(HttpMethod.Delete, path, null, null, answer, ct);

        /// <summary>POSTs <paramref name="body"/> as JSON; with <paramref name="logBody"/>, the body goes to the debug stream too.</summary>
        private protected Task<T> PostJsonAsync<TBody, T>(string path, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<T> answer, CancellationToken ct,
            bool logBody = false)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(body, bodyType);
            return Sender.SendJsonAsync(HttpMethod.Post, path, null, () => JsonContent(json), answer, ct,
                logBody && ClientLog.DebugEnabled ? Encoding.UTF8.GetString(json) : null);
        }

        /// <summary>The query of a cursor-paged list: <c>after</c> (the last id seen) and <c>limit</c>, when given.</summary>
        private protected static List<KeyValuePair<string, string>> PageQuery(string? after, int? limit)
        {
            var q = new List<KeyValuePair<string, string>>(4);
            if (!string.IsNullOrEmpty(after)) q.Add(new KeyValuePair<string, string>("after", after!));
            if (limit.HasValue) q.Add(new KeyValuePair<string, string>("limit", limit.Value.ToString(CultureInfo.InvariantCulture)));
            return q;
        }

        /// <summary>Adds <paramref name="name"/>=<paramref name="value"/> when the value is given.</summary>
        private protected static void AddIfGiven(List<KeyValuePair<string, string>> query, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) query.Add(new KeyValuePair<string, string>(name, value!));
        }

        private protected static HttpContent JsonContent(byte[] json)
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }

        /// <summary>Throws, before anything is sent, when the service lacks one of Azure OpenAI's own calls.</summary>
        private protected void RequireAzureCall(string what, string instead)
        {
            if (!FineTuningClient.HasAzureCallsOn(Connection))
                throw new NotSupportedException($"OpenAI's fine-tuning API cannot {what} (Azure OpenAI's can). {instead} Nothing was sent.");
        }
    }
}
