using System.Runtime.CompilerServices;

namespace Brindle.Dataplane.Tests.Support;

/// <summary>Compares text with <c>Golden/NAME</c>; <c>UPDATE_GOLDEN=1</c> rewrites the file in the source tree for review in the diff.</summary>
internal static class Golden
{
    public static void Assert(string name, string actual, [CallerFilePath] string caller = "")
    {
        var sourceDir = Path.GetDirectoryName(caller)!;
        while (!File.Exists(Path.Combine(sourceDir, "Brindle.Dataplane.Tests.csproj"))) sourceDir = Path.GetDirectoryName(sourceDir)!;
        var path = Path.Combine(sourceDir, "Golden", name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Xunit.Assert.True(File.Exists(path), $"Golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it.");
        Xunit.Assert.Equal(File.ReadAllText(path), actual);
    }
}
