namespace Brindle.Bgp.Ports;

/// <summary>The real <see cref="IFileStore"/> on the local file system.</summary>
public sealed class LocalFileStore : IFileStore
{
    public static LocalFileStore Instance { get; } = new();

    public string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    public void WriteAtomic(string path, string text)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public void Delete(string path) => File.Delete(path);
}
