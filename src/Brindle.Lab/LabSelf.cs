using System.Reflection;

namespace Brindle.Lab;

/// <summary>
/// How to start the <c>brindle</c> executable again (agents, and the fabric-side half of an etcd lab): this process
/// when it is brindle (apphost, or <c>dotnet brindle.dll</c>); otherwise (tests, benchmarks) <c>dotnet brindle.dll</c>
/// from the application directory.
/// </summary>
public static class LabSelf
{
    public static (string Program, IReadOnlyList<string> Arguments) Command(params string[] arguments)
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var entry = Assembly.GetEntryAssembly();
        if (entry?.GetName().Name == "brindle")
        {
            return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [entry.Location, .. arguments]) : (process, arguments);
        }
        var dll = Path.Combine(AppContext.BaseDirectory, "brindle.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"cannot find brindle.dll in {AppContext.BaseDirectory} to start");
        return (Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet", [dll, .. arguments]);
    }
}
