using System.CommandLine;

namespace Brindle.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var console = new CliConsole(Console.In, Console.Out, Console.Error);
        var root = CliApplication.BuildRootCommand(console);
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(configuration);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Failure;
        }
        catch (Exception e) when (CliErrors.TryDescribe(e, out var message))
        {
            await Console.Error.WriteLineAsync($"brindle: {message}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"brindle: internal error: {e.GetType().Name}: {e.Message}");
            await Console.Error.WriteLineAsync("This is a bug in Brindle. Set BRINDLE_DEBUG=1 to see the stack trace.");
            if (Environment.GetEnvironmentVariable("BRINDLE_DEBUG") == "1") await Console.Error.WriteLineAsync(e.ToString());
            return ExitCodes.InternalError;
        }
    }
}
