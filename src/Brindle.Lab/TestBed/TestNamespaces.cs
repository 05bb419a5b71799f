using System.Net;

namespace Brindle.Lab.TestBed;

/// <summary>A network namespace made by a <see cref="NamespaceTestBed"/>: its logical name and its real netns name.</summary>
public abstract record TestNamespace(string Name, string Namespace);

/// <summary>A "host": forwarding on, a default route (so proxy ARP answers), no firewall until a dataplane adds one.</summary>
public sealed record TestNode(string Name, string Namespace) : TestNamespace(Name, Namespace);

/// <summary>A workload attached to <paramref name="Node"/> Calico-style: host side <paramref name="InterfaceName"/>, workload side eth0.</summary>
public sealed record TestWorkload(
    string Name,
    string Namespace,
    TestNode Node,
    string InterfaceName,
    IPAddress? IPv4,
    IPAddress? IPv6,
    string Mac) : TestNamespace(Name, Namespace);
