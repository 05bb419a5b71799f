namespace Brindle.Cli;

/// <summary>The standard streams a command handler uses; tests pass string writers.</summary>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error);
