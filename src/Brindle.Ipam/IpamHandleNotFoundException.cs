namespace Brindle.Ipam;

/// <summary>No handle record exists with that id.</summary>
public sealed class IpamHandleNotFoundException(string message) : IpamException(message);
