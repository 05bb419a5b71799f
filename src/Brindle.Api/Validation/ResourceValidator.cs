using System.Text.RegularExpressions;

namespace Brindle.Api;

/// <summary>
/// Validates resources the way Calico does (libcalico-go/lib/validator/v3 and the CRD schema rules) and
/// reports every problem at once, each with its field path. Run it after <see cref="ResourceDefaults.Apply"/>
/// so that defaulted fields (blockSize, namespace) are checked too. Batch validation adds cross-document
/// checks: repeated resources and overlapping IP pools (against each other and the stored ones).
/// </summary>
public static partial class ResourceValidator
{
    private static readonly Cidr V4LinkLocal = Cidr.Parse("169.254.0.0/16");
    private static readonly Cidr V6LinkLocal = Cidr.Parse("fe80::/10");

    /// <summary>Every problem in a batch of documents (e.g. one <c>apply -f</c>), in document order.</summary>
    public static IReadOnlyList<ResourceError> Validate(IReadOnlyList<Document> documents, ValidationContext context)
    {
        var errors = new List<ResourceError>();
        var seen = new Dictionary<string, Document>(StringComparer.Ordinal);
        var batchPools = documents.Where(d => d.Resource is IPPool).Select(d => (IPPool)d.Resource).ToList();
        var batchPoolNames = batchPools.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var poolsSoFar = context.ExistingPools.Where(p => !batchPoolNames.Contains(p.Name)).ToList();
        foreach (var document in documents)
        {
            var fieldErrors = ValidateFields(document.Resource, context);
            if (document.Resource is IPPool pool)
            {
                CheckPoolOverlap(fieldErrors, pool, poolsSoFar);
                poolsSoFar.Add(pool);
            }
            var key = document.Resource.Kind + " " + document.Resource.Key;
            if (seen.TryGetValue(key, out var first))
            {
                fieldErrors.Items.Add(new("metadata.name", $"repeats {document.Resource.Describe()} from {first.Source} document {first.Index}"));
            }
            else
            {
                seen[key] = document;
            }
            errors.AddRange(fieldErrors.Items.Select(e => document.Error(e.Field, e.Reason)));
        }
        return errors;
    }

    /// <summary>Every problem in one resource (errors carry no source or document index).</summary>
    public static IReadOnlyList<ResourceError> Validate(Resource resource, ValidationContext context)
    {
        var fieldErrors = ValidateFields(resource, context);
        if (resource is IPPool pool) CheckPoolOverlap(fieldErrors, pool, context.ExistingPools);
        return [.. fieldErrors.Items.Select(e => new ResourceError(null, null, resource.Kind, resource.QualifiedName, e.Field, e.Reason))];
    }

    private static FieldErrors ValidateFields(Resource resource, ValidationContext context)
    {
        var errors = new FieldErrors(context);
        ValidateMetadata(errors, resource);
        switch (resource)
        {
            case IPPool pool:
                ValidatePool(errors, pool.Spec);
                break;
            case IPAMConfiguration ipam:
                RequireSingleton(errors, ipam);
                if (ipam.Spec.MaxBlocksPerHost is < 0) errors.Add("spec.maxBlocksPerHost", "must be 0 or more");
                break;
            case BGPConfiguration bgp:
                BgpValidator.ValidateConfiguration(errors, bgp);
                break;
            case BGPPeer peer:
                BgpValidator.ValidatePeer(errors, peer.Spec);
                break;
            case BGPFilter filter:
                BgpValidator.ValidateFilter(errors, filter.Spec);
                break;
            case Node node:
                BgpValidator.ValidateNode(errors, node.Spec);
                break;
            case NetworkPolicy policy:
                ValidatePolicy(errors, policy, policy.Spec, RuleOwner.NetworkPolicy);
                break;
            case GlobalNetworkPolicy policy:
                ValidatePolicy(errors, policy, policy.Spec, RuleOwner.GlobalNetworkPolicy);
                ValidateGlobalPolicy(errors, policy.Spec);
                break;
            case Tier tier:
                ValidateTier(errors, tier);
                break;
            case Profile profile:
                RuleValidator.ValidateRules(errors, profile.Spec.Ingress, "spec.ingress", PolicyType.Ingress, RuleOwner.Profile);
                RuleValidator.ValidateRules(errors, profile.Spec.Egress, "spec.egress", PolicyType.Egress, RuleOwner.Profile);
                ValidateLabels(errors, profile.Spec.LabelsToApply, "spec.labelsToApply");
                break;
            case WorkloadEndpoint endpoint:
                EndpointValidator.ValidateWorkload(errors, endpoint.Spec);
                break;
            case HostEndpoint endpoint:
                EndpointValidator.ValidateHost(errors, endpoint.Spec);
                break;
            case NetworkSet or GlobalNetworkSet:
                if (resource.Metadata.Labels.ContainsKey("projectcalico.org/namespace"))
                {
                    errors.Add("metadata.labels", "projectcalico.org/namespace is reserved and cannot be set on a network set");
                }
                break;
            case FelixConfiguration felix:
                EndpointValidator.ValidateFelix(errors, felix.Spec);
                break;
            case ClusterInformation info:
                RequireSingleton(errors, info);
                break;
        }
        return errors;
    }

    private static void ValidateMetadata(FieldErrors errors, Resource resource)
    {
        var metadata = resource.Metadata;
        var nameError = resource switch
        {
            Tier or KubernetesNamespace => Formats.Label(metadata.Name, "name"),
            NetworkPolicy => PolicyName(metadata.Name, NetworkPolicyName()),
            GlobalNetworkPolicy => PolicyName(metadata.Name, GlobalNetworkPolicyName()),
            _ => Formats.ResourceName(metadata.Name),
        };
        errors.AddIf("metadata.name", nameError);
        if (resource.ResourceKind.Namespaced)
        {
            if (string.IsNullOrEmpty(metadata.Namespace)) errors.Add("metadata.namespace", $"{resource.Kind} is namespaced: a namespace is required");
            else errors.AddIf("metadata.namespace", Formats.Label(metadata.Namespace, "namespace"));
        }
        else if (metadata.Namespace is not null)
        {
            errors.Add("metadata.namespace", $"{resource.Kind} is cluster-scoped and cannot have a namespace");
        }
        ValidateLabels(errors, metadata.Labels, "metadata.labels");
        foreach (var key in metadata.Annotations.Keys) errors.AddIf("metadata.annotations", Formats.QualifiedName(key.ToLowerInvariant()));
    }

    private static string? PolicyName(string name, Regex pattern)
    {
        if (Formats.ResourceName(name) is { } error) return error;
        return pattern.IsMatch(name) ? null : $"name '{name}' must be a DNS label, optionally prefixed by its tier ('<tier>.<name>')";
    }

    // Calico's networkPolicyNameRegex and globalNetworkPolicyNameRegex.
    [GeneratedRegex("^(([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?|((knp|ossg)\\.default\\..+))$")]
    private static partial Regex NetworkPolicyName();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex GlobalNetworkPolicyName();

    internal static void ValidateLabels(FieldErrors errors, EquatableMap<string> labels, string path)
    {
        foreach (var (key, value) in labels)
        {
            errors.AddIf(path, Formats.QualifiedName(key));
            errors.AddIf($"{path}.{key}", Formats.LabelValue(value));
        }
    }

    private static void RequireSingleton(FieldErrors errors, Resource resource)
    {
        if (resource.Name != "default") errors.Add("metadata.name", $"{resource.Kind} is a singleton: its name must be 'default'");
    }

    private static void ValidatePool(FieldErrors errors, IPPoolSpec spec)
    {
        var cidr = spec.Cidr;
        if (cidr is null)
        {
            errors.Add("spec.cidr", "required field is missing");
            return;
        }
        var (minBlock, maxBlock) = cidr.IsIPv4 ? (ResourceDefaults.MinBlockSizeV4, 32) : (ResourceDefaults.MinBlockSizeV6, 128);
        if (spec.BlockSize is { } blockSize)
        {
            if (blockSize < minBlock || blockSize > maxBlock)
            {
                errors.Add("spec.blockSize", $"blockSize {blockSize} out of range {minBlock}-{maxBlock} for an IPv{cidr.IPVersion} pool");
            }
            else if (spec.Disabled != true && cidr.PrefixLength > blockSize)
            {
                errors.Add("spec.cidr", $"pool {cidr} is smaller than one block (/{blockSize}); the prefix length must not exceed blockSize");
            }
        }
        if (cidr.Overlaps(cidr.IsIPv4 ? V4LinkLocal : V6LinkLocal))
        {
            errors.Add("spec.cidr", $"pool {cidr} overlaps the link-local range {(cidr.IsIPv4 ? V4LinkLocal : V6LinkLocal)}");
        }
        var ipip = spec.IpipMode ?? EncapsulationMode.Never;
        var vxlan = spec.VxlanMode ?? EncapsulationMode.Never;
        if (ipip != EncapsulationMode.Never && vxlan != EncapsulationMode.Never)
        {
            errors.Add("spec.ipipMode", "ipipMode and vxlanMode cannot both be enabled");
        }
        if (ipip != EncapsulationMode.Never && cidr.IsIPv6) errors.Add("spec.ipipMode", "IPIP is not supported for IPv6 pools");
        SelectorRules.Check(errors, spec.NodeSelector, "spec.nodeSelector", SelectorPlace.Plain);
        if (spec.AllowedUses.Distinct().Count() != spec.AllowedUses.Count) errors.Add("spec.allowedUses", "duplicate entries");
        if (spec.AllowedUses.Contains(IPPoolAllowedUse.LoadBalancer) && spec.AllowedUses.Count > 1)
        {
            errors.Add("spec.allowedUses", "LoadBalancer cannot be combined with Workload or Tunnel");
        }
    }

    /// <summary>
    /// A pool may not overlap any other pool. A stored pool of the same name is being replaced: Calico does not
    /// let its CIDR or blockSize change.
    /// </summary>
    private static void CheckPoolOverlap(FieldErrors errors, IPPool pool, IEnumerable<IPPool> others)
    {
        if (pool.Spec.Cidr is null) return;
        foreach (var other in others)
        {
            if (other.Name != pool.Name && other.Spec.Cidr is { } otherCidr && pool.Spec.Cidr.Overlaps(otherCidr))
            {
                errors.Add("spec.cidr", $"{pool.Spec.Cidr} overlaps IPPool '{other.Name}' ({otherCidr})");
            }
        }
        if (errors.Context.ExistingPools.FirstOrDefault(p => p.Name == pool.Name) is { } stored)
        {
            if (!Equals(stored.Spec.Cidr, pool.Spec.Cidr)) errors.Add("spec.cidr", $"the CIDR of an existing pool cannot change (it is {stored.Spec.Cidr})");
            if (stored.Spec.BlockSize is { } was && pool.Spec.BlockSize is { } wanted && was != wanted)
            {
                errors.Add("spec.blockSize", $"the blockSize of an existing pool cannot change (it is {was})");
            }
        }
    }

    private static void ValidatePolicy(FieldErrors errors, Resource policy, PolicySpec spec, RuleOwner owner)
    {
        if (spec.Tier is { } tier)
        {
            errors.AddIf("spec.tier", Formats.Label(tier, "tier"));
        }
        var dot = policy.Name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && !policy.Name.StartsWith("knp.default.", StringComparison.Ordinal) && !policy.Name.StartsWith("ossg.default.", StringComparison.Ordinal)
            && policy.Name[..dot] != spec.TierName)
        {
            errors.Add("metadata.name", $"name '{policy.Name}' has tier prefix '{policy.Name[..dot]}' but the policy is in tier '{spec.TierName}'");
        }
        ValidateOrder(errors, spec.Order, "spec.order");
        SelectorRules.Check(errors, spec.Selector, "spec.selector", SelectorPlace.Plain);
        SelectorRules.Check(errors, spec.ServiceAccountSelector, "spec.serviceAccountSelector", SelectorPlace.Plain);
        if (spec.Types.Distinct().Count() != spec.Types.Count) errors.Add("spec.types", "duplicate entries");
        foreach (var hint in spec.PerformanceHints)
        {
            if (hint != "AssumeNeededOnEveryNode") errors.Add("spec.performanceHints", $"unknown hint '{hint}' (expected AssumeNeededOnEveryNode)");
        }
        RuleValidator.ValidateRules(errors, spec.Ingress, "spec.ingress", PolicyType.Ingress, owner);
        RuleValidator.ValidateRules(errors, spec.Egress, "spec.egress", PolicyType.Egress, owner);
    }

    private static void ValidateGlobalPolicy(FieldErrors errors, GlobalNetworkPolicySpec spec)
    {
        SelectorRules.Check(errors, spec.NamespaceSelector, "spec.namespaceSelector", SelectorPlace.Plain);
        if (spec.DoNotTrack == true && spec.PreDnat == true) errors.Add("spec.preDNAT", "preDNAT and doNotTrack cannot both be true");
        if ((spec.DoNotTrack == true || spec.PreDnat == true) && spec.ApplyOnForward != true)
        {
            errors.Add("spec.applyOnForward", "applyOnForward must be true when doNotTrack or preDNAT is set");
        }
        if (spec.PreDnat == true)
        {
            if (!spec.Egress.IsEmpty) errors.Add("spec.egress", "preDNAT policies cannot have egress rules");
            if (spec.Types.Contains(PolicyType.Egress)) errors.Add("spec.types", "preDNAT policies apply to ingress only");
        }
    }

    private static void ValidateTier(FieldErrors errors, Tier tier)
    {
        ValidateOrder(errors, tier.Spec.Order, "spec.order");
        if (tier.Name == Tier.DefaultName && tier.Spec.Order is { } order && order != Tier.DefaultTierOrder)
        {
            errors.Add("spec.order", $"the default tier's order is fixed at {Tier.DefaultTierOrder}");
        }
    }

    private static void ValidateOrder(FieldErrors errors, double? order, string path)
    {
        if (order is not { } value) return;
        if (!double.IsFinite(value)) errors.Add(path, "order must be a finite number");
        else if (value < 0) errors.Add(path, $"order {value} must not be negative");
    }
}
