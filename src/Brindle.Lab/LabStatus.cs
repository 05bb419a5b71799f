using System.Globalization;
using Brindle.Bgp.Status;
using Brindle.Platform;

namespace Brindle.Lab;

/// <summary>One node of <c>brindle lab status</c>.</summary>
public sealed record LabNodeStatus(string Name, string Namespace, string Address, uint AsNumber, string Agent, IReadOnlyList<BgpPeerStatus> Sessions, string? BgpProblem);

/// <summary>
/// Reads what a lab is doing: agent processes (alive and ours), and each node's BGP sessions from its BIRD
/// (<c>birdc -s SOCKET show protocols all</c> run inside the node namespace).
/// </summary>
public sealed class LabStatus(ICommandRunner runner)
{
    /// <summary>A node's BIRD control socket: <c>bird.ctl</c> in the agent's <c>--state-dir</c> (docs/design/agent.md).</summary>
    public static IEnumerable<string> BirdSocketCandidates(LabLayout layout, string node)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var socket = Path.Combine(layout.AgentStateDirectory(node), "bird.ctl");
        if (File.Exists(socket)) yield return socket;
    }

    public async Task<IReadOnlyList<LabNodeStatus>> NodesAsync(LabState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        var layout = new LabLayout(state.ToOptions());
        var nodes = new List<LabNodeStatus>();
        for (var k = 1; k <= layout.Options.Nodes; k++)
        {
            var name = layout.NodeName(k);
            var agent = state.Processes.FirstOrDefault(p => p.Role == $"agent {name}");
            var agentText = agent is null ? "not started" : LabProcesses.IsOurs(agent) ? string.Create(CultureInfo.InvariantCulture, $"running (pid {agent.Pid})") : $"stopped (log {agent.LogFile})";
            var (sessions, problem) = await SessionsAsync(layout, name, ct);
            nodes.Add(new LabNodeStatus(name, name, $"{layout.NodeAddress(k)}/{layout.Options.Underlay.PrefixLength}", layout.NodeAs(k), agentText, sessions, problem));
        }
        return nodes;
    }

    private async Task<(IReadOnlyList<BgpPeerStatus>, string?)> SessionsAsync(LabLayout layout, string node, CancellationToken ct)
    {
        var socket = BirdSocketCandidates(layout, node).FirstOrDefault();
        if (socket is null) return ([], "no BIRD control socket found (is the agent running?)");
        var result = await runner.RunAsync(CommandSpec.Of("birdc", "-s", socket, "show", "protocols", "all").InNamespace(node) with { Timeout = TimeSpan.FromSeconds(5) }, ct);
        if (!result.Succeeded) return ([], $"birdc -s {socket}: {result.StandardError.Trim()}{result.StandardOutput.Trim()}");
        return (BirdProtocolsParser.Parse(result.StandardOutput), null);
    }
}
