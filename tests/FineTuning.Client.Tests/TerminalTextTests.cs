using System.Net;
using Xunit;

namespace FineTuning.Client.Tests;

/// <summary>Service text is made safe to print: no control character reaches a terminal, and nothing else changes.</summary>
public class TerminalTextTests
{
    [Theory]
    [InlineData("\u001b]0;TITLE\u0007", "\u241b]0;TITLE\u2407")]          // OSC title: ESC and BEL as their pictures
    [InlineData("\u001b[2J", "\u241b[2J")]                                // clear screen
    [InlineData("a\u009b31mb", "a\ufffd31mb")]                             // C1 CSI
    [InlineData("x\u0085y\u009dz", "x\ufffdy\ufffdz")]                    // C1 NEL and OSC
    [InlineData("del\u007f", "del\u2421")]
    [InlineData("nul\u0000", "nul\u2400")]
    [InlineData("bidi\u202eevil\u2066", "bidi\ufffdevil\ufffd")]
    [InlineData("plain text, ünïcödé, 日本", "plain text, ünïcödé, 日本")]
    public void Message_ReplacesEveryControlCharacter(string raw, string shown)
    {
        Assert.Equal(shown, TerminalText.Message(raw));
        Assert.Equal(raw != shown, TerminalText.NeedsCleaning(raw));
    }

    [Fact]
    public void Message_KeepsLineFeedsAndTabs_AndFoldsCrLf_ButNotALoneCarriageReturn()
    {
        Assert.Equal("one\ntwo\tthree\nfour", TerminalText.Message("one\r\ntwo\tthree\nfour"));
        Assert.Equal("over\u240dwritten", TerminalText.Message("over\rwritten"));
        Assert.False(TerminalText.NeedsCleaning("one\ntwo\tthree"));
    }

    [Fact]
    public void Cell_KeepsATableRowOnOneLine()
    {
        Assert.Equal("one two three", TerminalText.Cell("one\r\ntwo\tthree"));
        Assert.Equal("\u241b[2J", TerminalText.Cell("\u001b[2J"));
        Assert.Equal(string.Empty, TerminalText.Cell(null));
        Assert.Equal("42", TerminalText.Cell(42));
    }

    [Fact]
    public void Message_ReturnsTheSameStringWhenThereIsNothingToClean()
    {
        var text = "nothing to do here";
        Assert.Same(text, TerminalText.Message(text));
    }

    [Fact]
    public async Task ServiceException_CarriesNoControlCharacterInAnyProperty()
    {
        using var t = new TestClient(new FakeHandler().Then(HttpStatusCode.BadRequest,
            """{"error":{"message":"bad \u001b]0;T\u0007 input","type":"t\u001b[1m","param":"p\u009b","code":"c\u001b[2J"}}"""), new ConnectionOptions { ApiKey = FineTuningConnection.ToSecureString(TestClient.Key), MaxRetries = 0 });
        var ex = await Assert.ThrowsAsync<FineTuningServiceException>(() => t.Client.Jobs.GetAsync("ftjob-x"));
        foreach (var text in new[] { ex.Message, ex.ErrorType, ex.Param, ex.ErrorCode, ex.RawBody, ex.Path })
            Assert.False(TerminalText.NeedsCleaning(text), text);
        Assert.Equal("bad \u241b]0;T\u2407 input", ex.Message);
        Assert.Equal("c\u241b[2J", ex.ErrorCode);
    }
}
