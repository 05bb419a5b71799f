using System.CommandLine;
using Brindle.Cli.Commands;

namespace Brindle.Cli;

/// <summary>Builds the <c>brindle</c> command tree. Handlers are thin: parse, build dependencies, call one library method.</summary>
internal static class CliApplication
{
    public static RootCommand BuildRootCommand(CliConsole console)
    {
        var root = new RootCommand(
            "Brindle: routed, policy-driven networking for OpenStack and Kubernetes (Calico-compatible).\n" +
            "Resources use apiVersion projectcalico.org/v3, so Calico manifests apply unchanged.");
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.LogLevel);
        root.Subcommands.Add(VersionCommand.Build(console));
        root.Subcommands.Add(SelectorCommand.Build(console));
        root.Subcommands.Add(PolicyCommand.Build(console));
        return root;
    }
}
