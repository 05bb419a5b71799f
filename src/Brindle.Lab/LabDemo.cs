namespace Brindle.Lab;

/// <summary>The demo tenant network (embedded <c>Demo/demo.yaml</c>) and the ports its check matrix probes.</summary>
public static class LabDemo
{
    /// <summary>TCP ports of the matrix (HTTP and the database's 3306); ICMP echo is probed too.</summary>
    public static readonly IReadOnlyList<int> Ports = [80, 3306];

    public static string Manifest()
    {
        using var stream = typeof(LabDemo).Assembly.GetManifestResourceStream("Brindle.Lab.Demo.demo.yaml")
            ?? throw new InvalidOperationException("the demo manifest is missing from Brindle.Lab");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
