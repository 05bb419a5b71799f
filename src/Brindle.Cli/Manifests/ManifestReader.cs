using Brindle.Api;

namespace Brindle.Cli.Manifests;

/// <summary>
/// The resources read from every <c>-f</c> argument, every problem found while reading them (a document with
/// any problem is left out of <see cref="Documents"/>), and notes for stderr (v1 conversions).
/// </summary>
internal sealed record ManifestSet(IReadOnlyList<Document> Documents, IReadOnlyList<ResourceError> Errors, IReadOnlyList<string> Notes)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Reads <c>-f</c> arguments: files, <c>-</c> for stdin, and directories (their <c>.yaml</c>, <c>.yml</c> and
/// <c>.json</c> files in ordinal order; with <c>recursive</c> also those of subdirectories). Every file is decoded
/// by <see cref="ResourceCodec"/>, so multi-document YAML, YAML/JSON lists, <c>List</c> kinds and calicoctl v1
/// manifests all work. Reading never stops at the first problem: every unreadable file and every bad document is
/// reported.
/// </summary>
internal static class ManifestReader
{
    public const string StdinName = "-";

    private static readonly string[] ManifestExtensions = [".yaml", ".yml", ".json"];

    public static ManifestSet Read(IReadOnlyList<string> arguments, bool recursive, TextReader stdin)
    {
        var documents = new List<Document>();
        var errors = new List<ResourceError>();
        var notes = new List<string>();
        if (arguments.Count == 0)
        {
            errors.Add(new(null, null, null, null, null, "no input: give -f FILE, -f DIR or -f - (stdin)"));
            return new(documents, errors, notes);
        }
        if (arguments.Count(a => a == StdinName) > 1)
        {
            errors.Add(new(StdinName, null, null, null, null, "stdin (-f -) can be read only once"));
            return new(documents, errors, notes);
        }

        foreach (var (source, text) in Expand(arguments, recursive, stdin, errors))
        {
            var result = ResourceCodec.Read(text, source);
            errors.AddRange(result.Errors);
            documents.AddRange(result.Documents);
            if (result.Documents.Count == 0 && result.Errors.Count == 0)
            {
                errors.Add(new(source, null, null, null, null, "contains no resources"));
            }
            foreach (var document in result.Documents.Where(d => d.ConvertedFromV1))
            {
                var detail = document.ConversionNotes.Count == 0 ? "" : ": " + string.Join("; ", document.ConversionNotes);
                notes.Add($"converted from calicoctl v1: {document.Source}: document {document.Index} ({document.Resource.Describe()}){detail}");
            }
        }
        return new(documents, errors, notes);
    }

    private static IEnumerable<(string Source, string Text)> Expand(IReadOnlyList<string> arguments, bool recursive, TextReader stdin, List<ResourceError> errors)
    {
        foreach (var argument in arguments)
        {
            if (argument == StdinName)
            {
                yield return (StdinName, stdin.ReadToEnd());
            }
            else if (Directory.Exists(argument))
            {
                var files = ManifestFiles(argument, recursive);
                if (files.Count == 0)
                {
                    var where = recursive ? "in it or below" : "in it (use -R to read subdirectories)";
                    errors.Add(new(argument, null, null, null, null, $"is a directory with no .yaml, .yml or .json files {where}"));
                }
                foreach (var file in files)
                {
                    if (TryReadFile(file, errors, out var text)) yield return (file, text);
                }
            }
            else if (TryReadFile(argument, errors, out var text))
            {
                yield return (argument, text);
            }
        }
    }

    private static List<string> ManifestFiles(string directory, bool recursive) =>
    [
        .. Directory.EnumerateFiles(directory, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => ManifestExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal),
    ];

    private static bool TryReadFile(string path, List<ResourceError> errors, out string text)
    {
        text = "";
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            errors.Add(new(path, null, null, null, null, "no such file or directory"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new(path, null, null, null, null, $"cannot read: {e.Message}"));
        }
        return false;
    }
}
