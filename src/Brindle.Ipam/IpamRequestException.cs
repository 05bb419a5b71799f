namespace Brindle.Ipam;

/// <summary>The request is invalid (bad node, handle, pool, address or configuration).</summary>
public sealed class IpamRequestException(string message) : IpamException(message);
