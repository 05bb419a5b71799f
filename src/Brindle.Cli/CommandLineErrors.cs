using System.CommandLine;

namespace Brindle.Cli;

/// <summary>Prints command-line mistakes (unknown verb, flag, missing argument) as one line each, with the nearest valid names.</summary>
internal static class CommandLineErrors
{
    /// <summary>
    /// Tokens like <c>--all-namespace</c> that System.CommandLine took as positional arguments (a verb with NAME…
    /// arguments swallows them): a name never starts with '-', so these are mistyped flags.
    /// </summary>
    public static IReadOnlyList<string> FlagsTakenAsArguments(ParseResult parseResult) =>
    [
        .. parseResult.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Select(t => t.Value)
            .Where(v => v.Length > 1 && v[0] == '-' && !double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _)),
    ];

    public static async Task<int> ReportAsync(CliConsole console, ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var path = CommandPath(parseResult);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in parseResult.UnmatchedTokens.Concat(FlagsTakenAsArguments(parseResult)))
        {
            var line = token.StartsWith('-')
                ? $"unknown flag '{token}' for '{path}'{Suggestions.DidYouMean(token, OptionNames(command))}"
                : command.Subcommands.Count > 0
                    ? $"unknown command '{token}' for '{path}'{Suggestions.DidYouMean(token, command.Subcommands.Select(c => c.Name))}"
                    : $"unexpected argument '{token}' for '{path}'";
            if (reported.Add(line)) await console.Error.WriteLineAsync($"brindle: {line}");
        }
        foreach (var error in parseResult.Errors)
        {
            if (parseResult.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            if (reported.Add(error.Message)) await console.Error.WriteLineAsync($"brindle: {path}: {error.Message}");
        }
        await console.Error.WriteLineAsync($"Run '{path} --help' for usage.");
        return ExitCodes.Usage;
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Parent is null ? "brindle" : result.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options.Concat(GlobalOptionsOf()).SelectMany(o => o.Aliases.Prepend(o.Name));

    private static IEnumerable<Option> GlobalOptionsOf() => [GlobalOptions.Config, GlobalOptions.LogLevel];
}
