namespace Brindle.Ipam.Ports;

/// <summary>Nodes and their labels: pool node selectors are matched against them, and <c>ipam check</c> asks which nodes exist.</summary>
public interface INodeLabelSource
{
    /// <summary>The node's labels, or null if no such node exists.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetNodeLabelsAsync(string node, CancellationToken cancellationToken);
}
