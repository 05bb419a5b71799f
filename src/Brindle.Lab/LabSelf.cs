using System.Reflection;

namespace Brindle.Lab;

/// <summary>How to start this <c>brindle</c> executable again (for agents and responders): the apphost, or <c>dotnet brindle.dll</c>.</summary>
public static class LabSelf
{
    public static (string Program, IReadOnlyList<string> Arguments) Command(params string[] arguments)
    {
        var process = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            var dll = Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("cannot find brindle.dll to start");
            return (process, [dll, .. arguments]);
        }
        return (process, arguments);
    }
}
