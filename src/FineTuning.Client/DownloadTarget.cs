using System;
using System.IO;
using System.Text;

namespace FineTuning.Client
{
    /// <summary>
    /// Where a file downloaded from a service is written. A service's file names and ids are input: a name such as
    /// <c>../../x</c>, <c>/etc/x</c>, <c>C:\x</c> or <c>..</c> must never put a file outside the folder the user chose.
    /// A service's name is reduced to a safe leaf name (<see cref="LeafName"/>); a path the user gave is the user's.
    /// </summary>
    public sealed class DownloadTarget
    {
        /// <summary>The longest leaf name written, in UTF-8 bytes: common file systems allow 255, and ".partial" is added while writing.</summary>
        public const int MaxNameBytes = 240;

        private DownloadTarget(string path, string? folder, string? serviceName, string name)
        {
            Path = path;
            Folder = folder;
            ServiceName = serviceName;
            Name = name;
        }

        /// <summary>The full path of the file to write.</summary>
        public string Path { get; }

        /// <summary>The folder the file must stay in, or null when the user named the file itself.</summary>
        public string? Folder { get; }

        /// <summary>The name the service gave (the file's name, or its id when it has none), as it gave it.</summary>
        public string? ServiceName { get; }

        /// <summary>The leaf name written.</summary>
        public string Name { get; }

        /// <summary>True when the name written differs from what the service gave.</summary>
        public bool Renamed => Folder != null && !string.Equals(ServiceName, Name, StringComparison.Ordinal);

        /// <summary>
        /// The file a download goes to. <paramref name="outFile"/> (already a full path) is the user's choice: an existing
        /// folder receives the service's name reduced to a leaf, anything else is the file to write. Without it the file goes
        /// into <paramref name="currentFolder"/>. The service's <paramref name="filename"/> is used when it leaves a usable
        /// leaf name, else its <paramref name="fileId"/>; when neither does, <see cref="UnsafeFileNameException"/>.
        /// </summary>
        public static DownloadTarget Resolve(string currentFolder, string? outFile, string? filename, string fileId)
        {
            if (outFile != null && !Directory.Exists(outFile))
                return new DownloadTarget(System.IO.Path.GetFullPath(outFile), null, null, System.IO.Path.GetFileName(outFile));

            var folder = System.IO.Path.GetFullPath(outFile ?? currentFolder);
            var given = string.IsNullOrEmpty(filename) ? fileId : filename;
            var name = LeafName(filename) ?? LeafName(fileId)
                ?? throw new UnsafeFileNameException(given,
                    $"The service gave file '{fileId}' no name that can be a file name ('{given}'); pass -Path with a file name to save it.");
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, name));
            // Defence in depth: the leaf name cannot leave the folder, and this says so before anything is written.
            if (!string.Equals(System.IO.Path.GetDirectoryName(path)?.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar),
                    folder.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar), StringComparison.Ordinal))
                throw new UnsafeFileNameException(given, $"The name '{given}' of file '{fileId}' would be written outside '{folder}'; it was not saved.");
            if (Directory.Exists(path))
                throw new UnsafeFileNameException(given, $"'{path}' is a folder; file '{fileId}' was not saved. Pass -Path with a file name.");
            return new DownloadTarget(path, folder, given, name);
        }

        private static readonly char[] Separators = { '/', '\\' };

        /// <summary>
        /// A name from a service reduced to one file name that is safe on every platform, or null when nothing usable is
        /// left. Only the last segment after any <c>/</c> or <c>\</c> is kept; a drive or stream colon, control characters
        /// and characters Windows forbids (<c>&lt;&gt;:"|?*</c>) become <c>_</c>; leading and trailing spaces and trailing
        /// dots go; <c>.</c>, <c>..</c> and names of dots only are refused; Windows device names (CON, NUL, COM1...) get a
        /// leading <c>_</c>; a name longer than <see cref="MaxNameBytes"/> UTF-8 bytes is shortened, keeping its extension.
        /// </summary>
        public static string? LeafName(string? name)
        {
            if (string.IsNullOrEmpty(name)) return null;
            var leaf = name!.Substring(name.LastIndexOfAny(Separators) + 1);
            var sb = new StringBuilder(leaf.Length);
            foreach (var c in leaf)
            {
                sb.Append(c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '<' || c == '>' || c == ':' || c == '"' || c == '|' || c == '?' || c == '*'
                    || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') ? '_' : c);
            }
            leaf = sb.ToString().Trim().TrimEnd('.', ' ');
            if (leaf.Length == 0 || leaf.Trim('.').Length == 0) return null;
            if (IsDeviceName(leaf)) leaf = "_" + leaf;
            return Shorten(leaf);
        }

        private static readonly string[] DeviceNames =
        {
            "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        };

        /// <summary>A Windows device name, alone or with an extension ("nul", "CON.txt", "com1.csv").</summary>
        private static bool IsDeviceName(string leaf)
        {
            var dot = leaf.IndexOf('.');
            var stem = (dot < 0 ? leaf : leaf.Substring(0, dot)).TrimEnd(' ');
            foreach (var device in DeviceNames)
            {
                if (string.Equals(stem, device, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        private static string Shorten(string leaf)
        {
            if (Encoding.UTF8.GetByteCount(leaf) <= MaxNameBytes) return leaf;
            var ext = System.IO.Path.GetExtension(leaf);
            if (Encoding.UTF8.GetByteCount(ext) > 32) ext = string.Empty;
            var stem = leaf.Substring(0, leaf.Length - ext.Length);
            var budget = MaxNameBytes - Encoding.UTF8.GetByteCount(ext);
            var sb = new StringBuilder();
            var bytes = 0;
            for (var i = 0; i < stem.Length; i++)
            {
                var width = char.IsHighSurrogate(stem[i]) && i + 1 < stem.Length ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(stem.ToCharArray(i, width));
                if (bytes + size > budget) break;
                sb.Append(stem, i, width);
                bytes += size;
                i += width - 1;
            }
            return sb.ToString().TrimEnd('.', ' ') + ext;
        }
    }

    /// <summary>A name from a service that cannot be used as a file name where the user asked for the file.</summary>
    public class UnsafeFileNameException : Exception
    {
        public UnsafeFileNameException(string? name, string message) : base(TerminalText.Safe(message))
        {
            Name = TerminalText.SafeOrNull(name);
        }

        /// <summary>The name as the service gave it (control characters replaced).</summary>
        public string? Name { get; }
    }
}
