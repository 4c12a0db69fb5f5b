using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

namespace FineTuning.Client
{
    /// <summary>The pieces of a multipart/form-data body as the service reads them (RFC 7578).</summary>
    internal static class FormData
    {
        /// <summary>An empty form with a boundary of its own.</summary>
        public static MultipartFormDataContent NewForm() =>
            new MultipartFormDataContent("----FineTuningBoundary" + Guid.NewGuid().ToString("N"));

        /// <summary>A text field: no content type of its own, as browsers and the official SDKs send it.</summary>
        public static void AddField(MultipartFormDataContent form, string name, string value)
        {
            var part = new StringContent(value, Encoding.UTF8);
            part.Headers.ContentType = null;
            part.Headers.ContentDisposition = Disposition(name, null);
            form.Add(part);
        }

        /// <summary>A file field: <paramref name="content"/> under <paramref name="name"/>, named <paramref name="fileName"/>.</summary>
        public static void AddFile(MultipartFormDataContent form, string name, string fileName, HttpContent content, string mediaType)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            content.Headers.ContentDisposition = Disposition(name, fileName);
            form.Add(content);
        }

        /// <summary>form-data disposition with quoted name and filename (RFC 7578 §4.2).</summary>
        public static ContentDispositionHeaderValue Disposition(string name, string? fileName)
        {
            var value = new ContentDispositionHeaderValue("form-data") { Name = Quote(name) };
            if (fileName != null) value.FileName = Quote(fileName);
            return value;
        }

        private static string Quote(string value)
        {
            var sb = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                if (c == '"') sb.Append("%22");
                else if (c == '\\') sb.Append("\\\\");
                else if (c == '\r') sb.Append("%0D");
                else if (c == '\n') sb.Append("%0A");
                else if (c > 127) sb.Append(Uri.EscapeDataString(c.ToString()));
                else sb.Append(c);
            }
            return sb.Append('"').ToString();
        }
    }
}
