using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace FineTuning.Emulator
{
    /// <summary>A second emulator was pointed at a state folder that another one owns.</summary>
    public sealed class StateFolderInUseException : IOException
    {
        public StateFolderInUseException(string path, string message, Exception? inner = null) : base(message, inner)
        {
            StatePath = path;
        }

        /// <summary>The state folder that is in use.</summary>
        public string StatePath { get; }
    }

    /// <summary>
    /// Ownership of a state folder: an exclusive lock on its <c>.lock</c> file, held for the emulator's lifetime. The
    /// operating system releases it when the process ends in any way (a kill included), so a folder is never left
    /// locked by a process that is gone, while two live emulators can never write over each other's state.
    /// </summary>
    internal sealed class StateFolderLock : IDisposable
    {
        private const string FileName = ".lock";
        private FileStream? _stream;

        private StateFolderLock(FileStream stream)
        {
            _stream = stream;
        }

        /// <summary>Takes the folder, or throws <see cref="StateFolderInUseException"/> when another emulator holds it.</summary>
        public static StateFolderLock Acquire(string folder)
        {
            var path = Path.Combine(folder, FileName);
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (!(e is FileNotFoundException) && !(e is DirectoryNotFoundException) && !(e is PathTooLongException))
            {
                var owner = ReadOwner(path);
                throw new StateFolderInUseException(folder,
                    $"The state folder '{folder}' is in use by another emulator{owner}. Stop that emulator or choose another state folder; " +
                    "two emulators on one folder would overwrite each other's data.", e);
            }
            try
            {
                var text = Encoding.UTF8.GetBytes($"pid {Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture)}\n");
                stream.SetLength(0);
                stream.Write(text, 0, text.Length);
                stream.Flush(true);
            }
            catch (IOException)
            {
                // The note of the owner is a courtesy; the lock is what counts.
            }
            return new StateFolderLock(stream);
        }

        private static string ReadOwner(string path)
        {
            try
            {
                using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var buffer = new byte[64];
                var n = reader.Read(buffer, 0, buffer.Length);
                var text = Encoding.UTF8.GetString(buffer, 0, n).Trim();
                return text.StartsWith("pid ", StringComparison.Ordinal) && int.TryParse(text.Substring(4), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    ? $" (process {pid.ToString(CultureInfo.InvariantCulture)})"
                    : string.Empty;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return string.Empty;
            }
        }

        public void Dispose()
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
