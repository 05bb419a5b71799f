namespace Brindle.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Out.WriteLine("brindle: commands are being built");
        return args.Length == 0 ? 0 : 1;
    }
}
