using Brindle.Api;
using Brindle.Cli.Output;

namespace Brindle.Cli.Tests.Output;

public sealed class ResourcePrinterTests
{
    private static IPPool Pool(string name, string cidr, bool nat = false, EncapsulationMode? ipip = null) => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { Cidr = Cidr.Parse(cidr), NatOutgoing = nat, IpipMode = ipip, NodeSelector = "all()" },
    };

    private static WorkloadEndpoint Endpoint(string ns, string name, string node, string ip) => new()
    {
        Metadata = new() { Name = name, Namespace = ns },
        Spec = new() { Workload = name.Split('-')[0], Node = node, IPNetworks = [Cidr.Parse(ip)], InterfaceName = "cali" + name },
    };

    [Fact]
    public void Render_IPPoolTable_CalicoctlColumnsPaddedByThree()
    {
        var text = ResourcePrinter.Render(ResourceKinds.IPPool,
            [Pool("default-ipv4-pool", "10.10.0.0/16"), Pool("p2", "fd00::/64")], OutputFormat.Table, allNamespaces: false, single: false);
        Assert.Equal(
            "NAME                CIDR           SELECTOR\n" +
            "default-ipv4-pool   10.10.0.0/16   all()\n" +
            "p2                  fd00::/64      all()\n",
            text);
    }

    [Fact]
    public void Render_IPPoolWide_ShowsModesAndFlags()
    {
        var text = ResourcePrinter.Render(ResourceKinds.IPPool,
            [Pool("a", "10.1.0.0/16", nat: true, ipip: EncapsulationMode.CrossSubnet)], OutputFormat.Wide, allNamespaces: false, single: false);
        Assert.Equal(
            "NAME   CIDR          NAT    IPIPMODE      VXLANMODE   DISABLED   DISABLEBGPEXPORT   SELECTOR\n" +
            "a      10.1.0.0/16   true   CrossSubnet   Never       false      false              all()\n",
            text);
    }

    [Fact]
    public void Render_WorkloadEndpointsAllNamespaces_LeadingNamespaceColumn()
    {
        var text = ResourcePrinter.Render(ResourceKinds.WorkloadEndpoint,
            [Endpoint("prod", "web-1", "node1", "10.0.0.1/32"), Endpoint("dev", "db-22", "node2", "10.0.0.2/32")],
            OutputFormat.Table, allNamespaces: true, single: false);
        Assert.Equal(
            "NAMESPACE   WORKLOAD   NODE    NETWORKS      INTERFACE\n" +
            "prod        web        node1   10.0.0.1/32   caliweb-1\n" +
            "dev         db         node2   10.0.0.2/32   calidb-22\n",
            text);
    }

    [Fact]
    public void Render_NetworkPolicyInOtherTier_NamePrefixedWithTier()
    {
        var policies = new Resource[]
        {
            new NetworkPolicy { Metadata = new() { Name = "allow", Namespace = "ns" }, Spec = new() { Tier = "security" } },
            new NetworkPolicy { Metadata = new() { Name = "security.deny", Namespace = "ns" }, Spec = new() { Tier = "security" } },
            new NetworkPolicy { Metadata = new() { Name = "plain", Namespace = "ns" } },
        };
        var text = ResourcePrinter.Render(ResourceKinds.NetworkPolicy, policies, OutputFormat.Table, allNamespaces: false, single: false);
        Assert.Equal("NAME\nsecurity.allow\nsecurity.deny\nplain\n", text);
    }

    [Fact]
    public void Render_YamlList_ReadsBackAsTheSameResources()
    {
        var pools = new Resource[] { Pool("a", "10.1.0.0/16", nat: true), Pool("b", "10.2.0.0/16") };
        var text = ResourcePrinter.Render(ResourceKinds.IPPool, pools, OutputFormat.Yaml, allNamespaces: false, single: false);
        Assert.StartsWith("apiVersion: projectcalico.org/v3\nkind: IPPoolList\nitems:\n- apiVersion: projectcalico.org/v3\n", text, StringComparison.Ordinal);
        var read = ResourceCodec.Read(text, "out.yaml");
        Assert.Empty(read.Errors);
        Assert.Equal(pools, read.Documents.Select(d => d.Resource));
    }

    [Fact]
    public void Render_JsonList_ReadsBackAsTheSameResources()
    {
        var endpoints = new Resource[] { Endpoint("a", "web-1", "n", "10.0.0.1/32"), Endpoint("b", "web-2", "n", "10.0.0.2/32") };
        var text = ResourcePrinter.Render(ResourceKinds.WorkloadEndpoint, endpoints, OutputFormat.Json, allNamespaces: true, single: false);
        Assert.Contains("\"kind\": \"WorkloadEndpointList\"", text, StringComparison.Ordinal);
        var read = ResourceCodec.Read(text, "out.json");
        Assert.Empty(read.Errors);
        Assert.Equal(endpoints, read.Documents.Select(d => d.Resource));
    }

    [Fact]
    public void Render_SingleYaml_IsTheBareResource()
    {
        var text = ResourcePrinter.Render(ResourceKinds.IPPool, [Pool("a", "10.1.0.0/16")], OutputFormat.Yaml, allNamespaces: false, single: true);
        Assert.StartsWith("apiVersion: projectcalico.org/v3\nkind: IPPool\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Name_KindSlashQualifiedName()
    {
        var text = ResourcePrinter.Render(ResourceKinds.WorkloadEndpoint, [Endpoint("a", "web-1", "n", "10.0.0.1/32")], OutputFormat.Name, allNamespaces: false, single: false);
        Assert.Equal("workloadendpoint/a/web-1\n", text);
    }

    [Theory]
    [InlineData("ps", "Table")]
    [InlineData("WIDE", "Wide")]
    [InlineData("yaml", "Yaml")]
    [InlineData("json", "Json")]
    [InlineData("name", "Name")]
    public void Parse_KnownFormats(string text, string expected) => Assert.Equal(expected, OutputFormats.Parse(text).ToString());

    [Fact]
    public void Parse_GoTemplate_ExplainsAlternative()
    {
        var e = Assert.Throws<UserErrorException>(() => OutputFormats.Parse("go-template={{.x}}"));
        Assert.Contains("jq", e.Message, StringComparison.Ordinal);
    }
}
