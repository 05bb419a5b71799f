using System.Globalization;
using System.Text;
using Brindle.Api;

namespace Brindle.EndToEnd.Tests.Agreement;

/// <summary>
/// The resources of one agreement scenario: manifests (v3 or calicoctl v1, converted by <see cref="ResourceCodec"/>),
/// every one valid (the agent would drop an invalid one, the evaluator would refuse it, so a scenario must not hold
/// any). Workload endpoints for the test node are written with <see cref="Pod"/>.
/// </summary>
internal sealed record AgreementScenario(string Name, IReadOnlyList<Resource> Resources)
{
    public const string NodeName = "node1";

    /// <summary>Decodes and validates <paramref name="manifests"/>; throws with every error.</summary>
    public static AgreementScenario FromYaml(string name, params string[] manifests)
    {
        var resources = new List<Resource>();
        var errors = new List<string>();
        for (var i = 0; i < manifests.Length; i++)
        {
            var read = ResourceCodec.Read(manifests[i], $"{name}#{i}");
            errors.AddRange(read.Errors.Select(e => e.ToString()));
            foreach (var document in read.Documents)
            {
                errors.AddRange(ResourceValidator.Validate(document.Resource, ValidationContext.Empty).Select(e => e.ToString()));
                resources.Add(document.Resource);
            }
        }
        if (errors.Count > 0) throw new InvalidOperationException($"scenario {name} is not valid:\n" + string.Join('\n', errors));
        return new(name, resources);
    }

    /// <summary>Files of /work/shared/examples (relative to it), e.g. <c>seed-v1/tenant-policy.yaml</c>.</summary>
    public static string Example(string relativePath) => File.ReadAllText(Path.Combine(ExamplesDirectory, relativePath));

    public static string ExamplesDirectory =>
        Environment.GetEnvironmentVariable("BRINDLE_EXAMPLES") ?? "/work/shared/examples";

    /// <summary>A Kubernetes pod's WorkloadEndpoint on the test node (interface <c>cali</c> + namespace + name).</summary>
    public static string Pod(string ns, string pod, string ipv4, string labels, string? profiles = null, string? ports = null)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            apiVersion: projectcalico.org/v3
            kind: WorkloadEndpoint
            metadata:
              name: {NodeName}-k8s-{pod}-eth0
              namespace: {ns}
              labels: {labels}
            spec:
              orchestrator: k8s
              node: {NodeName}
              pod: {pod}
              endpoint: eth0
              interfaceName: {InterfaceName(ns, pod)}
              ipNetworks: [{ipv4}/32]

            """);
        if (profiles is not null) yaml.Append(CultureInfo.InvariantCulture, $"  profiles: {profiles}\n");
        if (ports is not null) yaml.Append(CultureInfo.InvariantCulture, $"  ports: {ports}\n");
        yaml.Append("---\n");
        return yaml.ToString();
    }

    /// <summary>The endpoint id (as the evaluator names it) of the pod <c>ns/pod</c> written by <see cref="Pod"/>.</summary>
    public static string PodId(string nsPod) => nsPod.Split('/') is [var ns, var pod] ? $"{ns}/{NodeName}-k8s-{pod}-eth0" : nsPod;

    /// <summary><c>cali</c> + the namespace's first three letters + the pod (at most 15 characters, Linux's limit).</summary>
    public static string InterfaceName(string ns, string pod)
    {
        var name = "cali" + ns[..Math.Min(3, ns.Length)] + pod;
        return name[..Math.Min(15, name.Length)];
    }

    /// <summary>A Namespace resource with labels.</summary>
    public static string Namespace(string name, string labels) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {name}
          labels: {labels}
        ---

        """;

    /// <summary>The same scenario with every workload endpoint moved to the test node (examples name other nodes).</summary>
    public AgreementScenario OnTestNode() => this with
    {
        Resources = [.. Resources.Select(r => r is WorkloadEndpoint w ? w with { Spec = w.Spec with { Node = NodeName } } : r)],
    };

    public override string ToString() => Name;
}
