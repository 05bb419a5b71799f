using System.Net;
using Brindle.Api;
using Brindle.Calculation.Messages;
using Brindle.Policy;
using ApiRule = Brindle.Api.Rule;
using ApiRuleAction = Brindle.Api.RuleAction;
using PortRange = Brindle.Calculation.Messages.PortRange;

namespace Brindle.Calculation.Tests.Graph;

public sealed class RuleCompilerTests
{
    [Fact]
    public void Compile_ProtocolPortsNetsAndIcmp_MapToDataplaneFields()
    {
        var rule = new ApiRule
        {
            Action = ApiRuleAction.Deny,
            IpVersion = 4,
            Protocol = Protocol.Tcp,
            NotProtocol = Protocol.FromNumber(17),
            Source = new() { Nets = [Cidr.Parse("10.0.0.0/8")], NotNets = [Cidr.Parse("10.1.0.0/16")], Ports = [Port.Range(1024, 2048)] },
            Destination = new() { Ports = [Port.Number(80), Port.Number(443)], NotPorts = [Port.Number(8080)] },
        };
        var sets = new List<IPSetDefinition>();

        var compiled = RuleCompiler.Compile(rule, null, sets)!;

        Assert.Equal(Messages.RuleAction.Deny, compiled.Action);
        Assert.Equal(4, compiled.IPVersion);
        Assert.Equal(6, compiled.Protocol);
        Assert.Equal(17, compiled.NotProtocol);
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8")], compiled.SrcNets);
        Assert.Equal([IPNetwork.Parse("10.1.0.0/16")], compiled.NotSrcNets);
        Assert.Equal([new PortRange(1024, 2048)], compiled.SrcPorts);
        Assert.Equal([PortRange.Single(80), PortRange.Single(443)], compiled.DstPorts);
        Assert.Equal([PortRange.Single(8080)], compiled.NotDstPorts);
        Assert.Empty(compiled.SrcIPSetIds);
        Assert.Empty(sets);
    }

    [Fact]
    public void Compile_Icmp_MapsTypeAndCode()
    {
        var rule = new ApiRule { Action = ApiRuleAction.Allow, Protocol = Protocol.Icmp, Icmp = new() { Type = 8, Code = 0 }, NotIcmp = new() { Type = 3 } };
        var compiled = RuleCompiler.Compile(rule, null, [])!;
        Assert.Equal((1, 8, 0, 3), (compiled.Protocol!.Value, compiled.IcmpType!.Value, compiled.IcmpCode!.Value, compiled.NotIcmpType!.Value));
    }

    [Fact]
    public void Compile_SameSelectorTwice_SharesOneSet()
    {
        var sets = new List<IPSetDefinition>();
        var rule = new ApiRule { Action = ApiRuleAction.Allow, Source = new() { Selector = "a == 'b'" }, Destination = new() { Selector = "a=='b'" } };
        var compiled = RuleCompiler.Compile(rule, null, sets)!;
        Assert.Single(sets);
        Assert.Equal(compiled.SrcIPSetIds, compiled.DstIPSetIds);
        Assert.Equal(Selector.Parse("a == 'b'").UniqueId, sets[0].Id);
    }

    [Fact]
    public void Compile_UnenforceableCriteria_NeverOpen()
    {
        var http = new HttpMatch { Methods = ["GET"] };
        Assert.Null(RuleCompiler.Compile(new ApiRule { Action = ApiRuleAction.Allow, Http = http }, null, []));
        Assert.Null(RuleCompiler.Compile(new ApiRule { Action = ApiRuleAction.Log, Http = http }, null, []));
        Assert.Equal(Messages.RuleAction.Deny, RuleCompiler.Compile(new ApiRule { Action = ApiRuleAction.Pass, Http = http }, null, [])!.Action);
        var services = new ApiRule { Action = ApiRuleAction.Deny, Destination = new() { Services = new() { Name = "svc" }, Ports = [Port.Number(80)] }, Protocol = Protocol.Tcp };
        var compiled = RuleCompiler.Compile(services, null, [])!;
        Assert.Equal(Messages.RuleAction.Deny, compiled.Action);
        Assert.Equal([PortRange.Single(80)], compiled.DstPorts);
    }

    [Fact]
    public void Compile_ServiceAccountNames_InNamespacedPolicy_AreScoped()
    {
        var sets = new List<IPSetDefinition>();
        var rule = new ApiRule { Action = ApiRuleAction.Allow, Source = new() { ServiceAccounts = new() { Names = ["api", "web"] } } };
        RuleCompiler.Compile(rule, "prod", sets);
        var selector = Assert.Single(sets).Selector;
        Assert.True(selector.Matches(new Dictionary<string, string> { ["projectcalico.org/serviceaccount"] = "web", ["projectcalico.org/namespace"] = "prod" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["projectcalico.org/serviceaccount"] = "web", ["projectcalico.org/namespace"] = "dev" }));
    }

    [Fact]
    public void NamespaceScope_RewritesOntoNamespaceProfileLabels()
    {
        var scope = RuleCompiler.NamespaceScope(Selector.Parse("env == 'prod' && !has(legacy)"));
        Assert.True(scope.Matches(new Dictionary<string, string> { ["projectcalico.org/namespace"] = "a", ["pcns.env"] = "prod" }));
        Assert.False(scope.Matches(new Dictionary<string, string> { ["projectcalico.org/namespace"] = "a", ["pcns.env"] = "prod", ["pcns.legacy"] = "" }));
        Assert.False(scope.Matches(new Dictionary<string, string> { ["pcns.env"] = "prod" }));   // not namespaced
        Assert.False(scope.Matches(new Dictionary<string, string> { ["projectcalico.org/namespace"] = "a", ["env"] = "prod" }));   // own label, not the namespace's
    }

    [Fact]
    public void Compile_UnknownProtocol_Throws()
    {
        Assert.Throws<FormatException>(() => RuleCompiler.Compile(new ApiRule { Action = ApiRuleAction.Allow, Protocol = Protocol.Parse("bogus") }, null, []));
    }
}
