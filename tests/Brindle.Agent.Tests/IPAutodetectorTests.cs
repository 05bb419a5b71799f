using System.Net;
using System.Net.Sockets;
using Brindle.Agent.Registration;

namespace Brindle.Agent.Tests;

public sealed class IPAutodetectorTests
{
    // Shape of `ip -j -d addr show` on a host with an uplink, a docker bridge, a workload veth and a second NIC that is down.
    private const string Links = """
    [
     {"ifname":"lo","flags":["LOOPBACK","UP"],"link_type":"loopback","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
     {"ifname":"eth0","flags":["BROADCAST","UP","LOWER_UP"],"link_type":"ether","addr_info":[
        {"family":"inet","local":"10.0.0.5","prefixlen":24,"scope":"global"},
        {"family":"inet6","local":"fd00::5","prefixlen":64,"scope":"global"},
        {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]},
     {"ifname":"docker0","flags":["UP"],"link_type":"ether","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"172.17.0.1","prefixlen":16,"scope":"global"}]},
     {"ifname":"cali12345","flags":["UP"],"link_type":"ether","linkinfo":{"info_kind":"veth"},"addr_info":[{"family":"inet","local":"169.254.1.1","prefixlen":32,"scope":"global"}]},
     {"ifname":"eth1","flags":["BROADCAST"],"link_type":"ether","addr_info":[{"family":"inet","local":"192.0.2.7","prefixlen":24,"scope":"global"}]}
    ]
    """;

    private static readonly IReadOnlyList<HostInterface> Interfaces = HostInterface.ParseIpAddrJson(Links);

    private static AutodetectionMethod Method(string text)
    {
        Assert.True(AutodetectionMethod.TryParse(text, out var m, out var error), error);
        return m!;
    }

    [Fact]
    public void Parse_KeepsOnlyGlobalAddresses_AndReadsKindAndFlags()
    {
        var eth0 = Interfaces.Single(i => i.Name == "eth0");
        Assert.Equal(["10.0.0.5/24", "fd00::5/64"], eth0.Addresses.Select(a => a.ToString()));
        Assert.Empty(Interfaces.Single(i => i.Name == "lo").Addresses);
        Assert.Equal("bridge", Interfaces.Single(i => i.Name == "docker0").Kind);
        Assert.False(Interfaces.Single(i => i.Name == "eth1").IsUp);
    }

    [Fact]
    public void FirstFound_SkipsBridgeVethLoopbackAndDownInterfaces()
    {
        var result = IPAutodetector.Detect(Method("first-found"), AddressFamily.InterNetwork, Interfaces);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("10.0.0.5/24", result.Address!.ToString());
        Assert.Equal("eth0", result.InterfaceName);
    }

    [Fact]
    public void FirstFound_TwoUplinks_IsAnErrorListingCandidatesAndHowToChoose()
    {
        var json = Links.Replace("\"ifname\":\"eth1\",\"flags\":[\"BROADCAST\"]", "\"ifname\":\"eth1\",\"flags\":[\"BROADCAST\",\"UP\"]");
        var result = IPAutodetector.Detect(Method("first-found"), AddressFamily.InterNetwork, HostInterface.ParseIpAddrJson(json));
        Assert.False(result.Succeeded);
        Assert.Contains("10.0.0.5/24 on eth0", result.Error);
        Assert.Contains("192.0.2.7/24 on eth1", result.Error);
        Assert.Contains("--ip-autodetection-method interface=", result.Error);
        Assert.DoesNotContain("172.17.0.1", result.Error);
    }

    [Fact]
    public void Interface_Regex_ChoosesThatInterface_EvenIfDown()
    {
        var result = IPAutodetector.Detect(Method("interface=eth1"), AddressFamily.InterNetwork, Interfaces);
        Assert.Equal("192.0.2.7/24", result.Address?.ToString());
    }

    [Fact]
    public void SkipInterface_ExcludesMatches()
    {
        var result = IPAutodetector.Detect(Method("skip-interface=eth0"), AddressFamily.InterNetwork, Interfaces);
        Assert.Equal("192.0.2.7/24", result.Address?.ToString());
    }

    [Fact]
    public void Cidr_ChoosesTheAddressInsideIt()
    {
        var result = IPAutodetector.Detect(Method("cidr=192.0.2.0/24"), AddressFamily.InterNetwork, Interfaces);
        Assert.Equal("192.0.2.7/24", result.Address?.ToString());
        var none = IPAutodetector.Detect(Method("cidr=198.51.100.0/24"), AddressFamily.InterNetwork, Interfaces);
        Assert.False(none.Succeeded);
        Assert.Contains("--ip", none.Error);
    }

    [Fact]
    public void CanReach_UsesTheKernelsSourceAddress()
    {
        var result = IPAutodetector.Detect(Method("can-reach=8.8.8.8"), AddressFamily.InterNetwork, Interfaces, IPAddress.Parse("10.0.0.5"));
        Assert.Equal("10.0.0.5/24", result.Address?.ToString());
        var unknown = IPAutodetector.Detect(Method("can-reach=8.8.8.8"), AddressFamily.InterNetwork, Interfaces, IPAddress.Parse("203.0.113.1"));
        Assert.False(unknown.Succeeded);
    }

    [Fact]
    public void IPv6_FirstFound()
    {
        var result = IPAutodetector.Detect(Method("first-found"), AddressFamily.InterNetworkV6, Interfaces);
        Assert.Equal("fd00::5/64", result.Address?.ToString());
    }

    [Theory]
    [InlineData("first-found=x")]
    [InlineData("interface=")]
    [InlineData("interface=(")]
    [InlineData("cidr=10.0.0.0/33")]
    [InlineData("magic")]
    public void BadMethods_AreRejectedWithAReason(string text)
    {
        Assert.False(AutodetectionMethod.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
