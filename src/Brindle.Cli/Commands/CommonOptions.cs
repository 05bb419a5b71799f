using System.CommandLine;

namespace Brindle.Cli.Commands;

/// <summary>Factories for the options several resource verbs share (a fresh instance per command).</summary>
internal static class CommonOptions
{
    public static Option<string[]> Filename(bool required = true) => new("--filename", "-f")
    {
        Description = "Manifest file, directory (its .yaml/.yml/.json files) or '-' for stdin. Repeatable.",
        Required = required,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<bool> Recursive() => new("--recursive", "-R")
    {
        Description = "With -f DIR, also read the directory's subdirectories.",
    };

    public static Option<string?> Namespace() => new("--namespace", "-n")
    {
        Description = "Namespace of namespaced resources (default: 'default', or the manifest's own).",
    };

    public static Option<bool> AllNamespaces() => new("--all-namespaces", "-A")
    {
        Description = "List namespaced resources of every namespace.",
    };

    public static Option<string> Output(string defaultValue, string description) => new("--output", "-o")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    public static Argument<string> Kind() => new("KIND")
    {
        Description = "Resource kind: name, plural or short name, any case (ippool, ippools, ipp, gnp, wep, hep, …).",
    };
}
