using System.Net;
using Brindle.Calculation.Messages;
using static Brindle.Dataplane.Tests.Support.Messages;

namespace Brindle.Dataplane.Model.Tests;

public sealed class MessageEqualityTests
{
    [Fact]
    public void Equals_SeparatelyBuiltMessagesWithSameContent_AreEqual()
    {
        Assert.Equal(Workload("a", "calia", "10.65.0.2", tiers: [Tier("default", ingress: ["p"])]), Workload("a", "calia", "10.65.0.2", tiers: [Tier("default", ingress: ["p"])]));
        Assert.Equal(Tcp(RuleAction.Allow, 80, 81), Tcp(RuleAction.Allow, 80, 81));
        Assert.Equal(new ConfigUpdate(), ConfigUpdate.Default);
        Assert.NotEqual(Tcp(RuleAction.Allow, 80), Tcp(RuleAction.Allow, 81));
        Assert.NotEqual(Workload("a", "calia", "10.65.0.2"), Workload("a", "calia", "10.65.0.3"));
    }

    [Fact]
    public void ValueList_DefaultAndEmpty_AreEqualWithSameHash()
    {
        ValueList<int> empty = [];
        Assert.Equal(default, empty);
        Assert.Equal(default(ValueList<int>).GetHashCode(), empty.GetHashCode());
    }

    [Fact]
    public void OnUpdate_SameMessageTwice_SecondReportsNoChange()
    {
        var model = new DataplaneModel();
        Assert.True(model.OnUpdate(Workload("a", "calia", "10.65.0.2")));
        Assert.False(model.OnUpdate(Workload("a", "calia", "10.65.0.2")));
        Assert.True(model.OnUpdate(new WorkloadEndpointRemove(Id("a"))));
        Assert.False(model.OnUpdate(new WorkloadEndpointRemove(Id("a"))));
    }

    [Fact]
    public void OnUpdate_DeltaForUnknownSet_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new DataplaneModel().OnUpdate(new IPSetDeltaUpdate("s:none", [IPSetMember.Of("10.0.0.1")], [])));

    [Fact]
    public void OnUpdate_SetDelta_RemovalsThenAdditions()
    {
        var model = new DataplaneModel();
        model.OnUpdate(IPSet("s", "10.0.0.1", "10.0.0.2"));
        model.OnUpdate(new IPSetDeltaUpdate("s", [IPSetMember.Of("10.0.0.3")], [IPSetMember.Of("10.0.0.1")]));
        Assert.Equal(["10.0.0.2/32", "10.0.0.3/32"], model.IPSets["s"].Members.Select(m => m.Net.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(IPNetwork.Parse("10.0.0.3/32"), IPSetMember.Of("10.0.0.3").Net);
    }
}
