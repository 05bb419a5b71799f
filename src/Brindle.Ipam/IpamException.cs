namespace Brindle.Ipam;

/// <summary>An expected IPAM outcome the caller (and user) must handle: not enough addresses, address in use, and so on.</summary>
public class IpamException(string message) : Exception(message);
