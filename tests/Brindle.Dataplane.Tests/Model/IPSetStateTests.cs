using Brindle.Calculation.Messages;
using Brindle.Dataplane.Model;
using CsCheck;

namespace Brindle.Dataplane.Tests.Model;

public sealed class IPSetStateTests
{
    private static readonly Gen<IPSetMember> Member = Gen.OneOf(
        Gen.Int[0, 20].Select(i => IPSetMember.Of($"10.65.0.{i}")),
        Gen.Int[0, 5].Select(i => IPSetMember.Of($"fd00::{i}")),
        Gen.Int[0, 3].Select(i => IPSetMember.Of($"10.{i}.0.0/16")));

    [Fact]
    public void Constructor_SortsDistinct_IPv4First_AndKnowsWhetherItHoldsNetworks()
    {
        var state = new IPSetState(IPSetType.Nets, [IPSetMember.Of("fd00::1"), IPSetMember.Of("10.0.0.2"), IPSetMember.Of("10.0.0.0/24"), IPSetMember.Of("10.0.0.2")]);

        Assert.Equal(["10.0.0.0/24", "10.0.0.2/32", "fd00::1/128"], state.Members.Select(m => m.ToString()));
        Assert.True(state.HasNetworks(4));
        Assert.False(state.HasNetworks(6));
    }

    [Fact]
    public void Patch_AgreesWithHashSetSemantics_AndReturnsItselfWhenNothingChanges()
    {
        Gen.Select(Member.List[0, 15], Member.List[0, 6], Member.List[0, 6]).Sample((initial, removed, added) =>
        {
            var state = new IPSetState(IPSetType.Nets, [.. initial]);
            var expected = initial.ToHashSet();
            expected.ExceptWith(removed);   // removals before additions
            expected.UnionWith(added);

            var patched = state.Patch(removed, added);

            Assert.Equal(expected.Order(IPSetMember.Order), patched.Members);
            Assert.Equal(expected.SetEquals(initial), ReferenceEquals(state, patched));
            Assert.Equal(expected.Any(m => m.Net.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && m.Net.PrefixLength < 32), patched.HasNetworks(4));
        });
    }
}
