using Brindle.Cli.Manifests;
using Brindle.Testing;

namespace Brindle.Cli.Tests.Manifests;

public sealed class ManifestReaderTests : IDisposable
{
    private const string PoolA = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: a}\nspec: {cidr: 10.1.0.0/16}\n";
    private const string PoolB = "{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"IPPool\", \"metadata\": {\"name\": \"b\"}, \"spec\": {\"cidr\": \"10.2.0.0/16\"}}";
    private const string PoolC = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: c}\nspec: {cidr: 10.3.0.0/16}\n";
    private readonly TempDirectory _dir = new("brindle-cli-manifests");

    public void Dispose() => _dir.Dispose();

    private string Write(string relative, string text)
    {
        var path = _dir.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Read_Directory_ManifestFilesInOrdinalOrderSubdirectoriesOnlyWithRecursive()
    {
        Write("m/b.json", PoolB);
        Write("m/a.yaml", PoolA);
        Write("m/notes.txt", "not a manifest");
        Write("m/sub/c.yml", PoolC);

        var flat = ManifestReader.Read([_dir.Combine("m")], recursive: false, TextReader.Null);
        Assert.Empty(flat.Errors);
        Assert.Equal(["a", "b"], flat.Documents.Select(d => d.Resource.Name));

        var deep = ManifestReader.Read([_dir.Combine("m")], recursive: true, TextReader.Null);
        Assert.Empty(deep.Errors);
        Assert.Equal(["a", "b", "c"], deep.Documents.Select(d => d.Resource.Name));
    }

    [Fact]
    public void Read_StdinAndFiles_InArgumentOrder()
    {
        var file = Write("c.yaml", PoolC);
        var result = ManifestReader.Read([ManifestReader.StdinName, file], recursive: false, new StringReader(PoolA + "---\n" + PoolB));
        Assert.Empty(result.Errors);
        Assert.Equal(["a", "b", "c"], result.Documents.Select(d => d.Resource.Name));
        Assert.Equal(["-", "-", file], result.Documents.Select(d => d.Source));
        Assert.Equal([1, 2, 1], result.Documents.Select(d => d.Index));
    }

    [Fact]
    public void Read_SeveralProblems_ReportsEveryOneWithFileAndDocument()
    {
        var bad = Write("bad.yaml", PoolA + "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: x}\nspec: {cidr: 10.0.0.0/8, natOutgoing: maybe}\n---\napiVersion: projectcalico.org/v3\nkind: IPPol\nmetadata: {name: y}\n");
        var missing = _dir.Combine("missing.yaml");
        var empty = Write("empty.yaml", "# nothing\n");

        var result = ManifestReader.Read([bad, missing, empty], recursive: false, TextReader.Null);

        Assert.Equal(["a"], result.Documents.Select(d => d.Resource.Name));
        var lines = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(4, lines.Count);
        Assert.StartsWith($"{bad}: document 2 (IPPool 'x'): spec.natOutgoing: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{bad}: document 3 (IPPol 'y'): kind: unknown kind 'IPPol'", lines[1], StringComparison.Ordinal);
        Assert.Equal($"{missing}: no such file or directory", lines[2]);
        Assert.Equal($"{empty}: contains no resources", lines[3]);
    }

    [Fact]
    public void Read_EmptyDirectory_SaysSoAndSuggestsRecursive()
    {
        Write("d/sub/a.yaml", PoolA);
        var result = ManifestReader.Read([_dir.Combine("d")], recursive: false, TextReader.Null);
        Assert.Contains("use -R", Assert.Single(result.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StdinTwice_Refused()
    {
        var result = ManifestReader.Read(["-", "-"], recursive: false, new StringReader(PoolA));
        Assert.Contains("only once", Assert.Single(result.Errors).Reason, StringComparison.Ordinal);
        Assert.Empty(result.Documents);
    }
}
