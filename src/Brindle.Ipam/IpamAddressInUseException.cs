namespace Brindle.Ipam;

/// <summary>The specific address asked for is already allocated.</summary>
public sealed class IpamAddressInUseException(string message) : IpamException(message);
