using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// Bytes received from a client: in memory while small, in a file of the emulator's scratch folder once they pass
    /// <see cref="SpoolWriter.MemoryBytes"/>. Whoever keeps the bytes takes them (<see cref="ToArray"/> or
    /// <see cref="MoveTo"/>); whatever is not taken is deleted with the request.
    /// </summary>
    internal sealed class SpooledContent : IDisposable
    {
        private byte[]? _memory;
        private string? _path;

        internal SpooledContent(byte[]? memory, string? path, long length)
        {
            _memory = memory;
            _path = path;
            Length = length;
        }

        public static SpooledContent FromBytes(byte[] bytes) => new SpooledContent(bytes, null, bytes.LongLength);

        public long Length { get; }

        /// <summary>True when the bytes are in a file rather than in memory.</summary>
        public bool OnDisk => _path != null;

        public Stream OpenRead()
        {
            if (_memory != null) return new MemoryStream(_memory, false);
            if (_path != null) return new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            throw new InvalidOperationException("The content was already moved.");
        }

        /// <summary>All the bytes; refused above 2 GB.</summary>
        public byte[] ToArray()
        {
            if (_memory != null) return _memory;
            if (Length > int.MaxValue) throw new InvalidOperationException("The content is too large to hold in memory.");
            return File.ReadAllBytes(_path ?? throw new InvalidOperationException("The content was already moved."));
        }

        /// <summary>The bytes as UTF-8 text (form fields).</summary>
        public string Text()
        {
            var bytes = ToArray();
            return Encoding.UTF8.GetString(bytes, 0, bytes.Length);
        }

        /// <summary>Puts the bytes at <paramref name="destination"/> (a rename when they are already in a file) and gives them up.</summary>
        public void MoveTo(string destination)
        {
            if (_path != null)
            {
                File.Move(_path, destination);
                _path = null;
                return;
            }
            if (_memory is null) throw new InvalidOperationException("The content was already moved.");
            using (var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                file.Write(_memory, 0, _memory.Length);
            _memory = null;
        }

        public void Dispose()
        {
            _memory = null;
            var path = _path;
            _path = null;
            if (path != null)
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>Collects bytes into a <see cref="SpooledContent"/>, switching from memory to a scratch file past a threshold.</summary>
    internal sealed class SpoolWriter : IDisposable
    {
        /// <summary>Bytes kept in memory before the writer moves to a file.</summary>
        public const int MemoryBytes = 1024 * 1024;

        private readonly Func<string> _directory;
        private MemoryStream? _memory = new MemoryStream();
        private FileStream? _file;
        private string? _path;

        public SpoolWriter(Func<string> directory)
        {
            _directory = directory;
        }

        public long Length { get; private set; }

        public async Task WriteAsync(byte[] buffer, int offset, int count)
        {
            if (count == 0) return;
            if (_memory != null && _memory.Length + count > MemoryBytes)
            {
                _path = Path.Combine(_directory(), "spool-" + Guid.NewGuid().ToString("N"));
                _file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false);
                _memory.Position = 0;
                await _memory.CopyToAsync(_file).ConfigureAwait(false);
                _memory = null;
            }
            if (_memory != null) _memory.Write(buffer, offset, count);
            else await _file!.WriteAsync(buffer, offset, count).ConfigureAwait(false);
            Length += count;
        }

        /// <summary>The bytes written; the writer no longer owns them.</summary>
        public SpooledContent Complete()
        {
            if (_memory != null)
            {
                var bytes = _memory.ToArray();
                _memory = null;
                return SpooledContent.FromBytes(bytes);
            }
            _file!.Flush(true);
            _file.Dispose();
            _file = null;
            var path = _path;
            _path = null;
            return new SpooledContent(null, path, Length);
        }

        public void Dispose()
        {
            _memory = null;
            _file?.Dispose();
            _file = null;
            if (_path != null)
            {
                try { File.Delete(_path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                _path = null;
            }
        }
    }
}
