using System.CommandLine;
using Brindle.Policy;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle selector match</c>: evaluate Calico selectors offline.</summary>
internal static class SelectorCommand
{
    public static Command Build(CliConsole console)
    {
        var command = new Command("selector", "Work with Calico label selectors offline.");
        command.Subcommands.Add(BuildMatch(console));
        return command;
    }

    private static Command BuildMatch(CliConsole console)
    {
        var selector = new Argument<string?>("selector")
        {
            Description = "The selector, e.g. \"app == 'web' && tier in {'a', 'b'}\". Quote it for the shell.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var labels = new Option<string>("--labels")
        {
            Description = "Labels to match against, as k1=v1,k2=v2.",
            DefaultValueFactory = _ => "",
        };
        var batch = new Option<bool>("--batch")
        {
            Description = "Read JSON lines {\"selector\": \"...\", \"labels\": {...}} on stdin; write one line per input: {\"matches\": true|false} or {\"error\": \"...\"}.",
        };
        var command = new Command("match",
            "Print true or false: whether the selector matches the labels. A syntax error is printed with its position (exit 1).\n\n" +
            "Examples:\n" +
            "  brindle selector match \"app == 'web' && !has(canary)\" --labels app=web,tier=front\n" +
            "  echo '{\"selector\": \"has(a)\", \"labels\": {\"a\": \"1\"}}' | brindle selector match --batch")
        {
            selector, labels, batch,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var text = parseResult.GetValue(selector);
            if (parseResult.GetValue(batch))
            {
                if (text is not null) return UsageError(console, "give either a selector or --batch, not both");
                await SelectorMatching.RunBatchAsync(console.In, console.Out, cancellationToken);
                return ExitCodes.Success;
            }
            if (text is null) return UsageError(console, "a selector is required (or --batch)");
            if (!SelectorMatching.TryParseLabels(parseResult.GetValue(labels) ?? "", out var labelSet, out var labelError))
            {
                return UsageError(console, labelError!);
            }
            if (!Selector.TryParse(text, out var parsed, out var error))
            {
                await console.Error.WriteLineAsync($"brindle: {error.Message}\n{SelectorMatching.Caret(error)}");
                return ExitCodes.Failure;
            }
            await console.Out.WriteLineAsync(parsed.Matches(labelSet) ? "true" : "false");
            return ExitCodes.Success;
        });
        return command;
    }

    private static int UsageError(CliConsole console, string message)
    {
        console.Error.WriteLine($"brindle selector match: {message}");
        return ExitCodes.Usage;
    }
}
