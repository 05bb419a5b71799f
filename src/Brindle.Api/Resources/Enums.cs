namespace Brindle.Api;

// Enum member names are the exact strings Calico's v3 API accepts (case-sensitive, as Calico validates them).

/// <summary>IPPool <c>ipipMode</c> / <c>vxlanMode</c>.</summary>
public enum EncapsulationMode
{
    Never,
    Always,
    CrossSubnet,
}

/// <summary>IPPool <c>allowedUses</c> entries.</summary>
public enum IPPoolAllowedUse
{
    Workload,
    Tunnel,
    LoadBalancer,
}

/// <summary>IPPool <c>assignmentMode</c>.</summary>
public enum IPPoolAssignmentMode
{
    Automatic,
    Manual,
}

/// <summary>Rule <c>action</c>.</summary>
public enum RuleAction
{
    Allow,
    Deny,
    Log,
    Pass,
}

/// <summary>Policy <c>types</c> entries.</summary>
public enum PolicyType
{
    Ingress,
    Egress,
}

/// <summary>Tier <c>defaultAction</c>.</summary>
public enum TierDefaultAction
{
    Deny,
    Pass,
}
