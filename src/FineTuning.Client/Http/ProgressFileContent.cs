using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>Streams a file as request content, reporting progress; opened afresh on every attempt.</summary>
    internal sealed class ProgressFileContent : HttpContent
    {
        private readonly string _path;
        private readonly IProgress<long>? _progress;

        public ProgressFileContent(string path, IProgress<long>? progress)
        {
            _path = path;
            _progress = progress;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            var buffer = new byte[81920];
            long sent = 0;
            int read;
            while ((read = await file.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer, 0, read).ConfigureAwait(false);
                sent += read;
                _progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = new FileInfo(_path).Length;
            return true;
        }
    }
}
