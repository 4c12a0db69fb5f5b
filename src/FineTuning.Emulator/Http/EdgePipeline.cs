using System;
using System.IO;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>The emulator as its HTTP edge sees it: the door, the handler behind it, and where bodies may spill to.</summary>
    internal interface IEmulatorApp
    {
        ServerLimits Limits { get; }

        /// <summary>Checks the key on the line and headers alone: the 401 to send, or null to go on.</summary>
        EmulatorResponse? Admit(EmulatorRequest head);

        /// <summary>A whole request, behind the door: injected faults, then the route table.</summary>
        EmulatorResponse Handle(EmulatorRequest request);

        /// <summary>An error answer in the request's dialect (or OpenAI's when the request could not be read).</summary>
        EmulatorResponse Refuse(EmulatorRequest? request, int status, string message, string? code);

        /// <summary>The folder bodies spill to once they pass the memory threshold (in the state folder when there is one).</summary>
        string SpoolDirectory();
    }

    /// <summary>The edge refuses a request it cannot read within its limits; the connection is closed after the answer.</summary>
    internal sealed class EdgeRefusal : Exception
    {
        public EdgeRefusal(int status, string message, string? code) : base(message)
        {
            Status = status;
            Code = code;
        }

        public int Status { get; }
        public string? Code { get; }
    }

    /// <summary>
    /// The order every request goes through, in process and over a socket alike: limits on the line and headers (the
    /// socket's reader), then <see cref="IEmulatorApp.Admit"/> (the key), then the declared body size, then the body read
    /// within its limits, then <see cref="IEmulatorApp.Handle"/> (faults, then routes). Nothing reaches a handler, and no
    /// fault fires, for a request without the key; no body byte is read before the key is checked.
    /// </summary>
    internal static class EdgePipeline
    {
        /// <summary>How many bytes the request's body may have: a multipart form may carry a file, anything else is JSON.</summary>
        public static long BodyLimit(ServerLimits limits, EmulatorRequest request) =>
            Multipart.IsForm(request.ContentType) ? limits.MaxBodyBytes : limits.MaxJsonBodyBytes;

        /// <summary>The 413 for a declared length over the limit, before a byte of the body is read; null when it fits.</summary>
        public static EdgeRefusal? CheckDeclaredLength(ServerLimits limits, EmulatorRequest request, long? declared)
        {
            if (declared is null) return null;
            var limit = BodyLimit(limits, request);
            return declared.Value > limit ? TooLarge(request, limit, declared.Value) : null;
        }

        private static EdgeRefusal TooLarge(EmulatorRequest request, long limit, long? declared)
        {
            var size = declared is long d ? $"{d:N0} bytes" : "more than that";
            var what = Multipart.IsForm(request.ContentType)
                ? "a multipart body (the Files API takes files of up to 512 MB; larger files go through the Uploads API in parts)"
                : "a JSON body";
            return new EdgeRefusal(413, $"The request body is {size}; the emulator accepts at most {limit:N0} bytes in {what}.", "request_too_large");
        }

        /// <summary>
        /// Reads the body through <paramref name="read"/> into <see cref="EmulatorRequest.Body"/> (JSON) or
        /// <see cref="EmulatorRequest.Form"/> (multipart, large parts to scratch files), never past the limit.
        /// </summary>
        public static async Task ReadBodyAsync(IEmulatorApp app, EmulatorRequest request, BodyRead read)
        {
            var limit = BodyLimit(app.Limits, request);
            long total = 0;
            async Task<int> Counted(byte[] buffer, int offset, int count)
            {
                var n = await read(buffer, offset, count).ConfigureAwait(false);
                total += n;
                if (total > limit) throw TooLarge(request, limit, null);
                return n;
            }

            if (Multipart.IsForm(request.ContentType))
            {
                try
                {
                    request.Form = await Multipart.ParseAsync(Counted, request.ContentType, app.SpoolDirectory).ConfigureAwait(false);
                }
                catch (FormatException e)
                {
                    request.FormError = e.Message;
                }
                // What follows the closing delimiter (or a broken form) is read and dropped, within the same limit.
                var scratch = new byte[16 * 1024];
                while (await Counted(scratch, 0, scratch.Length).ConfigureAwait(false) > 0) { }
                return;
            }

            using var body = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read1;
            while ((read1 = await Counted(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0) body.Write(chunk, 0, read1);
            request.Body = body.ToArray();
        }
    }
}
