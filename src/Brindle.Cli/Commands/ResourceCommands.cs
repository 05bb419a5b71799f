using System.CommandLine;

namespace Brindle.Cli.Commands;

/// <summary>calicoctl's resource verbs, in the order help lists them.</summary>
internal static class ResourceCommands
{
    public static IEnumerable<Command> Build(CliConsole console) =>
    [
        .. WriteCommands.Build(console),
        DeleteCommand.Build(console),
        GetCommand.Build(console),
        EditCommands.Label(console),
        EditCommands.Patch(console),
        ManifestCommands.Validate(console),
        ManifestCommands.Convert(console),
    ];
}
