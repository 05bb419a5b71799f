using System.CommandLine;
using System.Reflection;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle version</c>: client version, and the cluster's when a datastore is reachable.</summary>
internal static class VersionCommand
{
    public static Command Build(CliConsole console)
    {
        var command = new Command("version", "Print the Brindle version.\n\nExample:\n  brindle version");
        command.SetAction(_ =>
        {
            console.Out.WriteLine($"Client Version:    {ClientVersion}");
            console.Out.WriteLine("Compatible with:   Calico projectcalico.org/v3 resources");
            return ExitCodes.Success;
        });
        return command;
    }

    public static string ClientVersion =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
