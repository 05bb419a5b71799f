namespace Brindle.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) =>
        CliApplication.RunAsync(new CliConsole(Console.In, Console.Out, Console.Error), args);
}
