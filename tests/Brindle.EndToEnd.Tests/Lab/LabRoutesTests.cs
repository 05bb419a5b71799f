namespace Brindle.Lab.Tests;

public sealed class LabRoutesTests
{
    [Fact]
    public void Parse_SkipsDefaultAndBlackholes_CoversLearnedAndLocal()
    {
        const string json = """
            [{"dst":"default","gateway":"172.31.0.1","dev":"eth0"},
             {"dst":"192.168.11.64/26","gateway":"172.31.0.12","dev":"eth0","protocol":"bird"},
             {"type":"blackhole","dst":"192.168.197.0/26","protocol":"bird"},
             {"dst":"192.168.197.1","dev":"cali0ef24b2","protocol":"98","scope":"link"}]
            """;
        var routes = LabRoutes.Parse(json);
        Assert.True(LabRoutes.Covers(routes, System.Net.IPAddress.Parse("192.168.11.70")));
        Assert.True(LabRoutes.Covers(routes, System.Net.IPAddress.Parse("192.168.197.1")));
        Assert.False(LabRoutes.Covers(routes, System.Net.IPAddress.Parse("192.168.197.2")));
        Assert.False(LabRoutes.Covers(routes, System.Net.IPAddress.Parse("10.0.0.1")));
    }
}
