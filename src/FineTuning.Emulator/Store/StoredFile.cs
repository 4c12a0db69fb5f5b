using System;
using System.IO;
using FineTuning.Client;

namespace FineTuning.Emulator
{
    /// <summary>A stored file: its metadata as the service shows it, and its bytes.</summary>
    internal sealed class StoredFile
    {
        public FineTuningFile Info = new FineTuningFile();
        /// <summary>The bytes, for files kept in memory.</summary>
        public byte[]? Memory;
        /// <summary>Where the bytes are, for files kept on disk (large uploads, state folders).</summary>
        public string? DiskPath;
        /// <summary>The name of the content's file in the state folder, once it is written there.</summary>
        public string? ContentName;
        public long Sequence;

        public long Length => Memory?.LongLength ?? new FileInfo(DiskPath!).Length;

        public Stream OpenRead() => Memory != null ? new MemoryStream(Memory, false) : (Stream)File.OpenRead(DiskPath!);
    }

    /// <summary>An upload in progress: its declared size and the parts received so far (on disk).</summary>
    internal sealed class UploadRecord
    {
        public string Id = string.Empty;
        public string Filename = string.Empty;
        public string Purpose = string.Empty;
        public string MimeType = string.Empty;
        public long Bytes;
        public DateTimeOffset CreatedAt;
        public DateTimeOffset ExpiresAt;
        /// <summary>The lifetime of the file the upload makes (its <c>expires_after</c>), if any.</summary>
        public TimeSpan? FileLifetime;
        public string Status = "pending";
        public readonly System.Collections.Generic.Dictionary<string, (string Path, long Length)> Parts =
            new System.Collections.Generic.Dictionary<string, (string, long)>(StringComparer.Ordinal);
        public StoredFile? File;
    }

    /// <summary>A grant of a checkpoint to a project.</summary>
    internal sealed class CheckpointPermission
    {
        public string Id = string.Empty;
        public string Checkpoint = string.Empty;
        public string ProjectId = string.Empty;
        public DateTimeOffset CreatedAt;
        public long Sequence;
    }
}
