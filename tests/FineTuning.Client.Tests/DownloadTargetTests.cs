using System.IO;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>A service's file names and ids never put a download outside the folder the user chose.</summary>
public class DownloadTargetTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ft-download-" + Guid.NewGuid().ToString("n"));

    public DownloadTargetTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("results.csv", "results.csv")]
    [InlineData("../../../outside/pwned.txt", "pwned.txt")]
    [InlineData("..\\..\\outside\\pwned.txt", "pwned.txt")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("C:\\Windows\\win.ini", "win.ini")]
    [InlineData("C:drive-relative.txt", "C_drive-relative.txt")]
    [InlineData("\\\\server\\share\\unc.txt", "unc.txt")]
    [InlineData("dir/", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData(".", null)]
    [InlineData("..", null)]
    [InlineData("...", null)]
    [InlineData("a/..", null)]
    [InlineData("   ", null)]
    [InlineData("CON", "_CON")]
    [InlineData("con.txt", "_con.txt")]
    [InlineData("COM1.csv", "_COM1.csv")]
    [InlineData("LPT9", "_LPT9")]
    [InlineData("CONSOLE.txt", "CONSOLE.txt")]
    [InlineData("name.csv:stream", "name.csv_stream")]
    [InlineData("a<b>c\"d|e?f*g", "a_b_c_d_e_f_g")]
    [InlineData("esc\u001b[2J.csv", "esc_[2J.csv")]
    [InlineData("c1\u009bx", "c1_x")]
    [InlineData("nul\u0000byte", "nul_byte")]
    [InlineData("rtl\u202Etxt.exe", "rtl_txt.exe")]
    [InlineData("trailing dots... ", "trailing dots")]
    [InlineData(" lead", "lead")]
    [InlineData("ünïcödé 日本.csv", "ünïcödé 日本.csv")]
    public void LeafName_KeepsOneSafeFileName(string? raw, string? expected) =>
        Assert.Equal(expected, DownloadTarget.LeafName(raw));

    [Fact]
    public void LeafName_ShortensALongNameKeepingItsExtension()
    {
        var name = DownloadTarget.LeafName(new string('x', 300) + ".csv")!;
        Assert.EndsWith(".csv", name);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= DownloadTarget.MaxNameBytes);
        var wide = DownloadTarget.LeafName(string.Concat(Enumerable.Repeat("日", 200)) + ".jsonl")!;
        Assert.EndsWith(".jsonl", wide);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(wide) <= DownloadTarget.MaxNameBytes);
    }

    [Theory]
    [InlineData("../../../outside/pwned.txt", "file-1", "pwned.txt")]
    [InlineData("/abs/path.txt", "file-1", "path.txt")]
    [InlineData("", "file-1", "file-1")]
    [InlineData("..", "file-1", "file-1")]
    [InlineData("", "../../evil-id", "evil-id")]
    public void Resolve_PutsTheFileInTheFolder(string filename, string id, string expected)
    {
        var target = DownloadTarget.Resolve(_folder, null, filename, id);
        Assert.Equal(Path.Combine(_folder, expected), target.Path);
        Assert.Equal(_folder, Path.GetDirectoryName(target.Path));
        Assert.Equal(expected != (filename.Length == 0 ? id : filename), target.Renamed);

        var intoFolder = DownloadTarget.Resolve("/somewhere/else", _folder, filename, id);
        Assert.Equal(Path.Combine(_folder, expected), intoFolder.Path);
    }

    [Fact]
    public void Resolve_RefusesWhenNeitherNameNorIdIsUsable()
    {
        var ex = Assert.Throws<UnsafeFileNameException>(() => DownloadTarget.Resolve(_folder, null, "..", "..."));
        Assert.Contains("-Path", ex.Message);
        Assert.Equal("..", ex.Name);
    }

    [Fact]
    public void Resolve_RefusesANameThatIsAFolderInside()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        Assert.Throws<UnsafeFileNameException>(() => DownloadTarget.Resolve(_folder, null, "sub", "file-1"));
    }

    [Fact]
    public void Resolve_TakesAFilePathTheUserGaveAsItIs()
    {
        var mine = Path.Combine(_folder, "mine.csv");
        var target = DownloadTarget.Resolve("/elsewhere", mine, "../../../x.txt", "file-1");
        Assert.Equal(mine, target.Path);
        Assert.False(target.Renamed);
    }
}
