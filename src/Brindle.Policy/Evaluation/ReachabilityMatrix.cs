using System.Text;

namespace Brindle.Policy;

/// <summary>Which endpoint may open a connection to which, for one protocol and port (self-connections excluded).</summary>
public sealed class ReachabilityMatrix
{
    private readonly bool[,] _allowed;

    private ReachabilityMatrix(IReadOnlyList<PolicyModel.Entity> endpoints, int protocol, int port, bool[,] allowed)
    {
        Endpoints = endpoints;
        Protocol = protocol;
        Port = port;
        _allowed = allowed;
    }

    /// <summary>Rows are clients (sources), columns servers (destinations), in this order.</summary>
    public IReadOnlyList<PolicyModel.Entity> Endpoints { get; }

    public int Protocol { get; }

    public int Port { get; }

    public bool IsAllowed(int source, int destination) => _allowed[source, destination];

    /// <summary>All pairs by precomputed bitsets (<see cref="MatrixPlan"/>): same verdicts as <see cref="ComputeByPairs"/>, much faster.</summary>
    public static ReachabilityMatrix Compute(PolicyEvaluator evaluator, int protocol, int port) =>
        Fill(evaluator, protocol, port, (endpoints, peers) => new MatrixPlan(evaluator, endpoints, peers, protocol, port).Allowed);

    /// <summary>The same matrix by one <see cref="PolicyEvaluator.Evaluate"/> per pair: the reference the fast path is tested and benchmarked against.</summary>
    public static ReachabilityMatrix ComputeByPairs(PolicyEvaluator evaluator, int protocol, int port) =>
        Fill(evaluator, protocol, port, (_, peers) => (s, d) => evaluator.Evaluate(new PolicyConnection(peers[s], peers[d], protocol, port)).Allowed);

    private static ReachabilityMatrix Fill(PolicyEvaluator evaluator, int protocol, int port, Func<PolicyModel.Entity[], PolicyPeer[], Func<int, int, bool>> judge)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var endpoints = evaluator.Endpoints.Where(e => e.Nets.Count > 0).ToArray();
        var peers = endpoints.Select(evaluator.PeerOf).ToArray();
        var allowed = new bool[endpoints.Length, endpoints.Length];
        var isAllowed = judge(endpoints, peers);
        for (var s = 0; s < endpoints.Length; s++)
        {
            for (var d = 0; d < endpoints.Length; d++)
            {
                if (s != d) allowed[s, d] = isAllowed(s, d);
            }
        }
        return new ReachabilityMatrix(endpoints, protocol, port, allowed);
    }

    /// <summary>A text table: <c>.</c> allowed, <c>X</c> denied, <c>-</c> self; rows are clients, columns servers.</summary>
    public string Render()
    {
        var names = Endpoints.Select(e => e.Id).ToArray();
        var first = Math.Max(names.Select(n => n.Length).DefaultIfEmpty(0).Max(), "from \\ to".Length) + 2;
        var width = Math.Max(names.Select(n => n.Length).DefaultIfEmpty(1).Max(), 1) + 2;
        var text = new StringBuilder();
        text.Append($"{ProtocolNames.Format(Protocol)}/{Port}: rows = client (source), columns = server (destination); . allowed, X denied\n");
        text.Append("from \\ to".PadRight(first));
        foreach (var name in names) text.Append(name.PadRight(width));
        text.Append('\n');
        for (var s = 0; s < names.Length; s++)
        {
            text.Append(names[s].PadRight(first));
            for (var d = 0; d < names.Length; d++) text.Append((s == d ? "-" : _allowed[s, d] ? "." : "X").PadRight(width));
            text.Append('\n');
        }
        return string.Join('\n', text.ToString().Split('\n').Select(line => line.TrimEnd(' ')));
    }

    /// <summary>Compact form for tests: one line per client, one character per server.</summary>
    public string ToGrid() => string.Join('\n', Enumerable.Range(0, Endpoints.Count).Select(s =>
        new string([.. Enumerable.Range(0, Endpoints.Count).Select(d => s == d ? '-' : _allowed[s, d] ? '.' : 'X')])));
}
