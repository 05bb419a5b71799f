namespace Brindle.Ipam;

/// <summary>The uses an address may be allocated for (IPPool <c>allowedUses</c>).</summary>
public static class IpamUses
{
    public const string Workload = "Workload";
    public const string Tunnel = "Tunnel";
    public const string LoadBalancer = "LoadBalancer";
}
