using System.Globalization;
using System.Text;

namespace Brindle.Lab;

/// <summary>
/// The lab's cluster resources as a v3 manifest (pure): the IPPool, the BGPConfiguration for the chosen mode, the
/// Node resources (BGP address, AS, route-reflector cluster) and BGPPeers. Applied in one transaction before the
/// agents start, so each agent registers into a Node that already carries the lab's BGP identity.
/// </summary>
public static class LabManifest
{
    public const string PoolName = "lab-pool";

    public static string Render(LabLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var o = layout.Options;
        var text = new StringBuilder();
        void Doc(string yaml) => text.Append("---\n").Append(yaml);
        Doc($"""
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata:
              name: {PoolName}
            spec:
              cidr: {o.Pool}
              blockSize: 26
              natOutgoing: false
              nodeSelector: all()

            """);
        var mesh = o.Bgp == LabBgpMode.Mesh ? "true" : "false";
        Doc($"""
            apiVersion: projectcalico.org/v3
            kind: BGPConfiguration
            metadata:
              name: default
            spec:
              nodeToNodeMeshEnabled: {mesh}
              asNumber: {LabLayout.ClusterAs}
              logSeverityScreen: Info

            """);
        for (var k = 1; k <= o.Nodes; k++)
        {
            var reflector = o.Bgp == LabBgpMode.RouteReflector && k == 1;
            var labels = reflector ? "\n    route-reflector: \"true\"" : "";
            var cluster = reflector ? $"\n    routeReflectorClusterID: {LabLayout.RouteReflectorClusterId}" : "";
            Doc($"""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata:
                  name: {layout.NodeName(k)}
                  labels:
                    lab: {o.Name}
                    rack: rack{k.ToString(CultureInfo.InvariantCulture)}{labels}
                spec:
                  bgp:
                    ipv4Address: {layout.NodeAddress(k)}/{o.Underlay.PrefixLength}
                    asNumber: {layout.NodeAs(k)}{cluster}

                """);
        }
        if (o.Bgp == LabBgpMode.RouteReflector)
        {
            Doc("""
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata:
                  name: peer-with-route-reflectors
                spec:
                  nodeSelector: all()
                  peerSelector: route-reflector == 'true'

                """);
        }
        if (o.Bgp == LabBgpMode.AsPerRack)
        {
            Doc($"""
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata:
                  name: tor
                spec:
                  peerIP: {layout.Gateway}
                  asNumber: {LabLayout.TorAs}

                """);
        }
        return text.ToString();
    }
}
