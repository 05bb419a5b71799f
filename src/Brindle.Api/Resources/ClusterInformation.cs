using System.Text.Json.Serialization;

namespace Brindle.Api;

/// <summary>Cluster identity and version (singleton named <c>default</c>).</summary>
public sealed record ClusterInformation : Resource
{
    public ClusterInformationSpec Spec { get; init; } = new();

    public override ResourceKind ResourceKind => ResourceKinds.ClusterInformation;
}

public sealed record ClusterInformationSpec
{
    [JsonPropertyName("clusterGUID")]
    public string? ClusterGuid { get; init; }

    public string? ClusterType { get; init; }

    public string? CalicoVersion { get; init; }

    public bool? DatastoreReady { get; init; }

    public string? Variant { get; init; }
}

/// <summary>
/// A Kubernetes-shaped namespace (<c>apiVersion: v1, kind: Namespace</c>): a name and the labels that
/// rules' <c>namespaceSelector</c> match. Not a Calico v1 resource.
/// </summary>
public sealed record KubernetesNamespace : Resource
{
    public override ResourceKind ResourceKind => ResourceKinds.Namespace;
}
