using System.Runtime.CompilerServices;

namespace Brindle.Bgp.Tests;

/// <summary>Compares text with <c>Golden/NAME</c>; <c>UPDATE_GOLDEN=1</c> rewrites the file in the source tree for review in the diff.</summary>
internal static class Golden
{
    public static string Directory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    public static void AssertMatches(string name, string actual)
    {
        var path = Path.Combine(Directory(), name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    public static IEnumerable<string> Files() => System.IO.Directory.GetFiles(Directory(), "*.conf").Order(StringComparer.Ordinal);
}
