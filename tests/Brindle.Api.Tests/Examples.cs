namespace Brindle.Api.Tests;

/// <summary>Locates the shared example manifests copied into the test output (Golden/examples).</summary>
internal static class Examples
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Golden", "examples");

    public static IEnumerable<string> Files(string folder) =>
        Directory.GetFiles(Path.Combine(Root, folder), "*.yaml").Order(StringComparer.Ordinal);

    public static TheoryData<string> V3 => [.. Files("seed-v3").Select(f => Path.GetFileName(f))];

    public static TheoryData<string> V1 => [.. Files("seed-v1").Select(f => Path.GetFileName(f))];

    public static ReadResult Read(string folder, string file) =>
        ResourceCodec.Read(File.ReadAllText(Path.Combine(Root, folder, file)), file);
}
