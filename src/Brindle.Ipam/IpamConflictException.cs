namespace Brindle.Ipam;

/// <summary>Concurrent writers kept winning: gave up after the bounded number of compare-and-swap retries.</summary>
public sealed class IpamConflictException(string message) : IpamException(message);
