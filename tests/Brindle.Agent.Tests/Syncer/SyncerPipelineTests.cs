using Brindle.Api;
using Brindle.Calculation;
using Brindle.Calculation.Messages;
using Brindle.Datastore.Kv;
using Brindle.Dataplane.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brindle.Agent.Syncer.Tests;

/// <summary>Datastore → syncer → calculation graph → the dataplane's own desired-state model, as the agent wires them.</summary>
public sealed class SyncerPipelineTests
{
    [Fact]
    public async Task RunAsync_StoreChanges_ReachTheDataplaneModel()
    {
        await using var store = new InMemoryKeyValueStore();
        var ns = new KubernetesNamespace { Metadata = new() { Name = "prod" } };
        var web = Wep("web", "node1", "10.0.0.1", "web");
        var client = Wep("client", "node2", "10.0.1.1", "client");
        var policy = new GlobalNetworkPolicy
        {
            Metadata = new() { Name = "allow-clients" },
            Spec = new() { Selector = "app == 'web'", Ingress = [new Api.Rule { Action = Api.RuleAction.Allow, Source = new() { Selector = "app == 'client'" } }] },
        };
        foreach (var resource in new Resource[] { ns, web, client, policy }) await store.PutAsync(resource.Key, ResourceCodec.ToJson(resource));

        var model = new DataplaneModel();
        var gate = new object();
        var graph = new CalculationGraph("node1", message =>
        {
            lock (gate) model.OnUpdate(message);
        });
        var syncer = new DatastoreSyncer(store, graph, NullLogger<DatastoreSyncer>.Instance);
        using var cts = new CancellationTokenSource();
        var run = syncer.RunAsync(cts.Token);

        var setId = Policy.Selector.Parse("app == 'client'").UniqueId;
        await Until(() => model.InSync && model.IPSets.ContainsKey(setId), gate);
        lock (gate)
        {
            Assert.Equal(["web"], model.WorkloadEndpoints.Values.Select(w => w.InterfaceName[4..]));
            Assert.Equal([IPSetMember.Of("10.0.1.1")], model.IPSets[setId].Members.ToArray());
            Assert.Equal([new PolicyId("default", "allow-clients")], model.WorkloadEndpoints.Values.Single().Tiers.Single().IngressPolicies);
        }

        var second = Wep("client2", "node3", "10.0.1.2", "client");
        await store.PutAsync(second.Key, ResourceCodec.ToJson(second));
        await store.DeleteAsync(client.Key);
        await Until(() => model.IPSets[setId].Members.SequenceEqual([IPSetMember.Of("10.0.1.2")]), gate);

        await store.DeleteAsync(policy.Key);
        await Until(() => model.Policies.Count == 0 && model.IPSets.Count == 0, gate);
        cts.Cancel();
        await run;
    }

    private static WorkloadEndpoint Wep(string name, string node, string ip, string app) => new()
    {
        Metadata = new() { Name = name, Namespace = "prod", Labels = EquatableMap.Create(("app", app)) },
        Spec = new() { Node = node, Orchestrator = "k8s", Pod = name, Endpoint = "eth0", InterfaceName = "cali" + name, IPNetworks = [Cidr.Parse(ip + "/32")] },
    };

    private static async Task Until(Func<bool> condition, object gate)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            lock (gate)
            {
                if (condition()) return;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the dataplane model did not reach the expected state");
            await Task.Delay(10);
        }
    }
}
