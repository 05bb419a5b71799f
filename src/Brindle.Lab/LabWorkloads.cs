using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Brindle.Api;
using Brindle.Datastore.Resources;
using Brindle.Ipam;
using Brindle.Ipam.Ports;
using Brindle.Platform;

namespace Brindle.Lab;

/// <summary>
/// Makes WorkloadEndpoints real on lab nodes: for each endpoint whose node is a lab node, a namespace wired to the
/// node by a veth named by <c>interfaceName</c>, with the endpoint's address (or one from IPAM, recorded in the
/// endpoint) and MAC. Then everything is written all or nothing; if the write fails, the workloads just created
/// are removed again and their addresses released.
/// </summary>
public sealed class LabWorkloads(ICommandRunner runner, LabLayout layout)
{
    private readonly LabNetwork _network = new(runner);

    public sealed record Applied(int Workloads, int Others);

    public async Task<(Applied Applied, LabState State)> ApplyAsync(LabState state, IReadOnlyList<Document> documents, LabWriter write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(write);
        var prepared = new List<Document>(documents.Count);
        var created = new List<LabWorkload>();
        await using var store = await LabStore.OpenAsync(layout, ct);
        var ipam = NewIpam(store);
        try
        {
            foreach (var document in documents)
            {
                if (document.Resource is not WorkloadEndpoint endpoint || layout.MapNode(endpoint.Spec.Node) is not { } node || layout.NodeIndex(node) is null)
                {
                    prepared.Add(document);
                    continue;
                }
                var (workload, updated) = await CreateAsync(endpoint with { Spec = endpoint.Spec with { Node = node } }, ipam, ct);
                created.Add(workload);
                state = state.WithWorkload(workload) with { Namespaces = [.. state.Namespaces, workload.NetworkNamespace] };
                await LabCluster.SaveStateAsync(layout, state, ct);
                prepared.Add(document with { Resource = updated });
            }
            var errors = await write(prepared, ct);
            if (errors.Count > 0) throw new LabException(string.Join("\n", errors) + "\nnothing was written");
        }
        catch
        {
            foreach (var workload in created)
            {
                await RemoveAsync(workload, ipam, ct);
                state = state.WithoutWorkload(workload);
            }
            await LabCluster.SaveStateAsync(layout, state, ct);
            throw;
        }
        return (new Applied(created.Count, prepared.Count - created.Count), state);
    }

    /// <summary>Deletes the endpoint from the datastore, releases its address and removes its namespace.</summary>
    public async Task<LabState> DeleteAsync(LabState state, string ns, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        var workload = state.Workloads.FirstOrDefault(w => w.Namespace == ns && w.Name == name)
            ?? throw new LabException($"lab '{layout.Name}' has no workload {ns}/{name} (see: brindle lab status)");
        await using var store = await LabStore.OpenAsync(layout, ct);
        var resources = new ResourceStore(store);
        try
        {
            await resources.DeleteAsync(ResourceKinds.WorkloadEndpoint, ns, name, cancellationToken: ct);
        }
        catch (ResourceNotFoundException)
        {
            // Already gone from the datastore; still remove the workload itself.
        }
        await RemoveAsync(workload, NewIpam(store), ct);
        state = state.WithoutWorkload(workload);
        await LabCluster.SaveStateAsync(layout, state, ct);
        return state;
    }

    private async Task<(LabWorkload Workload, WorkloadEndpoint Endpoint)> CreateAsync(WorkloadEndpoint endpoint, IpamClient ipam, CancellationToken ct)
    {
        var node = endpoint.Spec.Node!;
        var k8sNamespace = endpoint.Namespace ?? "default";
        var interfaceName = endpoint.Spec.InterfaceName ?? InterfaceNameFor(k8sNamespace, endpoint.Name);
        var mac = endpoint.Spec.Mac ?? MacFor(interfaceName);
        string? handle = null;
        IPAddress address;
        if (endpoint.Spec.IPNetworks.Count > 0)
        {
            var cidr = endpoint.Spec.IPNetworks[0].ToString();
            address = IPAddress.Parse(cidr.Split('/')[0]);
        }
        else
        {
            handle = $"lab.{k8sNamespace}.{endpoint.Name}";
            var assigned = await ipam.AutoAssignAsync(new AutoAssignRequest(node, handle, Attributes: new Dictionary<string, string>
            {
                ["namespace"] = k8sNamespace, ["workload"] = endpoint.Name,
            }), ct);
            address = assigned[0].Address;
            endpoint = endpoint with { Spec = endpoint.Spec with { IPNetworks = [Cidr.Parse($"{address}/32")] } };
        }
        endpoint = endpoint with { Spec = endpoint.Spec with { InterfaceName = interfaceName, Mac = mac } };
        var netns = layout.WorkloadNamespace(interfaceName);
        var workload = new LabWorkload(k8sNamespace, endpoint.Name, node, interfaceName, netns, address.ToString(), mac, handle);
        try
        {
            await _network.CreateWorkloadAsync(netns, node, interfaceName, address, mac, ct);
        }
        catch
        {
            await RemoveAsync(workload, ipam, ct);
            throw;
        }
        return (workload, endpoint);
    }

    private async Task RemoveAsync(LabWorkload workload, IpamClient ipam, CancellationToken ct)
    {
        await _network.DeleteNamespaceAsync(workload.NetworkNamespace, ct);
        // Deleting the namespace removes the veth pair; a leftover host side (namespace never made) is removed too.
        await runner.RunAsync(CommandSpec.Of("ip", "-n", workload.Node, "link", "del", workload.InterfaceName), ct);
        if (workload.IpamHandle is { } handle) await ipam.ReleaseByHandleAsync(handle, ct);
    }

    private IpamClient NewIpam(Brindle.Datastore.Kv.IKeyValueStore store)
    {
        var sources = new StaticIpamSources([new IpamPool(layout.Options.Pool, 26)]);
        return new IpamClient(store, sources, sources, sources,
            (selector, labels) => string.IsNullOrWhiteSpace(selector) || Brindle.Policy.Selector.Parse(selector).Matches(labels));
    }

    /// <summary>Calico's CNI naming: <c>cali</c> + the first 11 hex digits of SHA-256 of (Calico uses SHA-1) "namespace.name".</summary>
    public static string InterfaceNameFor(string ns, string name) =>
        "cali" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ns}.{name}")))[..11];

    /// <summary>A locally administered MAC derived from the interface name.</summary>
    public static string MacFor(string interfaceName)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(interfaceName));
        return string.Create(CultureInfo.InvariantCulture, $"0a:58:{hash[0]:x2}:{hash[1]:x2}:{hash[2]:x2}:{hash[3]:x2}");
    }
}
