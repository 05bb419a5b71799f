using Brindle.Lab.TestBed;

namespace Brindle.Dataplane.Tests.Privileged;

/// <summary>Every golden nft script must be accepted by the real kernel (so golden files cannot drift into invalid syntax).</summary>
public sealed class GoldenScriptsKernelTests
{
    [PrivilegedFact]
    public async Task GoldenScripts_AppliedToFreshNamespace_NftAcceptsEach()
    {
        await using var bed = await NamespaceTestBed.CreateAsync("dpg");
        var node = await bed.CreateNodeAsync("node");
        var dir = Path.Combine(AppContext.BaseDirectory, "Golden");
        var files = Directory.GetFiles(dir, "*.nft");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var result = await bed.Runner.RunAsync(new Platform.CommandSpec("nft", ["-f", "-"]) { StandardInput = "add table inet brindle\ndelete table inet brindle\n" + await File.ReadAllTextAsync(file) }.InNamespace(node.Namespace));
            Assert.True(result.Succeeded, $"{Path.GetFileName(file)}: {result.StandardError}");
        }
    }
}
