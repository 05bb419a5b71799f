using BenchmarkDotNet.Running;

namespace Brindle.Benchmarks;

/// <summary>
/// Two kinds of benchmark share this executable:
/// <list type="bullet">
/// <item>scale harnesses (whole-system figures, <see cref="IScaleHarness"/>): <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- NAME [args]</c>;</item>
/// <item>BenchmarkDotNet micro-benchmarks: <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- --filter '*Selector*'</c>.</item>
/// </list>
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var harnesses = typeof(Program).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScaleHarness).IsAssignableFrom(t))
            .Select(t => (IScaleHarness)Activator.CreateInstance(t)!)
            .ToDictionary(h => h.Name, StringComparer.Ordinal);

        if (args.Length > 0 && harnesses.TryGetValue(args[0], out var harness))
        {
            return await harness.RunAsync(args[1..], Console.Out, CancellationToken.None);
        }
        if (args is ["--list-harnesses"])
        {
            foreach (var h in harnesses.Values.OrderBy(h => h.Name, StringComparer.Ordinal)) Console.WriteLine($"{h.Name,-20} {h.Description}");
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

/// <summary>A whole-system benchmark run by name. It prints its figures (medians and a same-run comparison) as text.</summary>
public interface IScaleHarness
{
    /// <summary>First command-line argument that selects this harness, e.g. <c>ipam</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>--list-harnesses</c>.</summary>
    string Description { get; }

    Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken);
}
