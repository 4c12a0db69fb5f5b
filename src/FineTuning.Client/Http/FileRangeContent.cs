using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;

namespace FineTuning.Client
{
    /// <summary>A byte range of a file as request content, read from disk as it is sent (one part of an upload).</summary>
    internal sealed class FileRangeContent : HttpContent
    {
        private readonly string _path;
        private readonly long _offset;
        private readonly long _length;
        private readonly IProgress<long>? _progress;

        public FileRangeContent(string path, long offset, long length, IProgress<long>? progress)
        {
            _path = path;
            _offset = offset;
            _length = length;
            _progress = progress;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            file.Seek(_offset, SeekOrigin.Begin);
            var buffer = new byte[81920];
            long left = _length, sent = 0;
            while (left > 0)
            {
                var read = await file.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, left)).ConfigureAwait(false);
                if (read == 0) throw new IOException($"'{_path}' ended before byte {_offset + _length:N0}; did it change during the upload?");
                await stream.WriteAsync(buffer, 0, read).ConfigureAwait(false);
                left -= read;
                sent += read;
                _progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
