namespace Brindle.Calculation;

/// <summary>Label keys and name prefixes the graph adds or relies on, as Calico spells them.</summary>
internal static class CalculationLabels
{
    /// <summary>Every namespaced endpoint and network set carries its namespace under this key.</summary>
    public const string Namespace = "projectcalico.org/namespace";

    public const string Orchestrator = "projectcalico.org/orchestrator";

    public const string ServiceAccount = "projectcalico.org/serviceaccount";

    /// <summary>A namespace's own name, among its labels.</summary>
    public const string NamespaceName = "projectcalico.org/name";

    public const string KubernetesNamespaceName = "kubernetes.io/metadata.name";

    /// <summary>Namespace labels reach endpoints through the namespace profile with this prefix (rules' namespaceSelector is rewritten onto them).</summary>
    public const string NamespaceLabelPrefix = "pcns.";

    /// <summary>Service-account labels would reach endpoints with this prefix (rules' serviceAccounts.selector is rewritten onto them).</summary>
    public const string ServiceAccountLabelPrefix = "pcsa.";

    /// <summary>Name prefix of the profile each namespace implies (<c>kns.&lt;namespace&gt;</c>).</summary>
    public const string NamespaceProfilePrefix = "kns.";

    /// <summary>Calico's orchestrator id for Kubernetes pods: only these get the <c>kns.&lt;namespace&gt;</c> profile.</summary>
    public const string KubernetesOrchestrator = "k8s";
}
