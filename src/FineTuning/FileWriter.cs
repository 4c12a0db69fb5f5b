using System.IO;

namespace FineTuning.Commands
{
    /// <summary>Writes files whole or not at all: into a temporary file beside the target, then moved over it.</summary>
    internal static class FileWriter
    {
        public static void WriteAllText(string path, string text) => WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

        public static void WriteAllBytes(string path, byte[] bytes)
        {
            var partial = path + ".partial";
            try
            {
                File.WriteAllBytes(partial, bytes);
                if (File.Exists(path)) File.Delete(path);
                File.Move(partial, path);
            }
            finally
            {
                if (File.Exists(partial)) File.Delete(partial);
            }
        }
    }
}
