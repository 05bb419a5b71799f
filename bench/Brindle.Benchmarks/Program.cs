using BenchmarkDotNet.Running;

namespace Brindle.Benchmarks;

/// <summary>Micro-benchmarks: <c>dotnet run -c Release --project bench/Brindle.Benchmarks -- --filter '*Selector*'</c>.</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
