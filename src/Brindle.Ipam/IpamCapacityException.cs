namespace Brindle.Ipam;

/// <summary>The request cannot be met in full; nothing it took is left allocated.</summary>
public sealed class IpamCapacityException(string message) : IpamException(message);
