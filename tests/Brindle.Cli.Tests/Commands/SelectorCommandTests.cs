using System.CommandLine;

namespace Brindle.Cli.Commands.Tests;

public sealed class SelectorCommandTests
{
    private static async Task<(int Exit, string Out, string Error)> Run(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(new StringReader(stdin), output, error);
        var exit = await CliApplication.BuildRootCommand(console).Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("app == 'web' && !has(canary)", "app=web,tier=front", "true")]
    [InlineData("app == 'web' && !has(canary)", "app=web,canary=", "false")]
    [InlineData("tier not in {'db'}", "", "true")]
    [InlineData("", "x=1", "true")]
    public async Task Match_ValidSelector_PrintsVerdictAndSucceeds(string selector, string labels, string expected)
    {
        var (exit, output, error) = await Run("", "selector", "match", selector, "--labels", labels);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(expected + Environment.NewLine, output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Match_SyntaxError_PrintsPositionAndFails()
    {
        var (exit, output, error) = await Run("", "selector", "match", "app == web", "--labels", "app=web");
        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Empty(output);
        Assert.Contains("at column 8", error, StringComparison.Ordinal);
        Assert.Contains("quoted string", error, StringComparison.Ordinal);
        Assert.Contains("\n         ^", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_BadLabels_UsageError()
    {
        var (exit, _, error) = await Run("", "selector", "match", "has(a)", "--labels", "a=1,b");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("'b' is not key=value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Match_Batch_OneAnswerPerLineInOrder()
    {
        var input = string.Join('\n',
            """{"selector": "a == 'x'", "labels": {"a": "x"}}""",
            """{"selector": "a == 'x'", "labels": {"a": "y"}}""",
            "",
            """{"selector": "a == x", "labels": {}}""",
            """not json""",
            """{"selector": "has(b)"}""");
        var (exit, output, _) = await Run(input, "selector", "match", "--batch");
        Assert.Equal(ExitCodes.Success, exit);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Equal("""{"matches":true}""", lines[0]);
        Assert.Equal("""{"matches":false}""", lines[1]);
        Assert.StartsWith("""{"error":"invalid selector""", lines[2], StringComparison.Ordinal);
        Assert.Contains("column 6", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("""{"error":"invalid JSON""", lines[3], StringComparison.Ordinal);
        Assert.Equal("""{"matches":false}""", lines[4]);
    }

    [Fact]
    public async Task Match_BatchAndSelector_UsageError()
    {
        var (exit, _, _) = await Run("", "selector", "match", "has(a)", "--batch");
        Assert.Equal(ExitCodes.Usage, exit);
    }
}
