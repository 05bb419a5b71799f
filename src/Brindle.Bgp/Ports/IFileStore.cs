namespace Brindle.Bgp.Ports;

/// <summary>Port: the few file operations the BIRD supervisor needs.</summary>
public interface IFileStore
{
    /// <summary>The file's text, or null when it does not exist.</summary>
    string? ReadText(string path);

    /// <summary>Replaces the file atomically (write a temporary file beside it, then rename).</summary>
    void WriteAtomic(string path, string text);

    void Delete(string path);
}
