using System.CommandLine;
using System.Globalization;
using System.Net;
using Brindle.Api;
using Brindle.Cli.Manifests;
using Brindle.Cli.Output;
using Brindle.Cli.Resources;
using Brindle.Datastore.Resources;
using Brindle.Lab;
using Brindle.Platform;
using Brindle.Policy;

namespace Brindle.Cli.Commands;

/// <summary>
/// <c>brindle lab up|down|status|apply|workload|check</c>: a whole cluster on one machine out of network namespaces.
/// With an etcd lab, commands that use the datastore run themselves again inside the fabric namespace (etcd listens
/// only there), marked by <see cref="InFabricVariable"/>.
/// </summary>
internal static class LabCommands
{
    public const string InFabricVariable = "BRINDLE_LAB_IN_FABRIC";
    private static readonly TimeSpan ReexecTimeout = TimeSpan.FromMinutes(10);

    public static Command Build(CliConsole console)
    {
        var command = new Command("lab", "A whole Brindle cluster on one machine, out of network namespaces: nodes, BGP, workloads, policy.\n\n" +
            "Examples:\n  sudo ./brindle lab up\n  sudo ./brindle lab status\n  sudo ./brindle lab check\n  sudo ./brindle lab down");
        command.Subcommands.Add(BuildUp(console));
        command.Subcommands.Add(BuildDown(console));
        command.Subcommands.Add(BuildStatus(console));
        command.Subcommands.Add(BuildApply(console));
        command.Subcommands.Add(BuildWorkload(console));
        command.Subcommands.Add(BuildCheck(console));
        command.Subcommands.Add(BuildProvision(console));
        return command;
    }

    private static Option<string> NameOption() => new("--name") { Description = "Lab name (default 'brindle': nodes node1…nodeN; another name LAB: LAB-node1…).", DefaultValueFactory = _ => LabOptions.DefaultName };

    private static Command BuildUp(CliConsole console)
    {
        var name = NameOption();
        var nodes = new Option<int>("--nodes") { Description = "Number of nodes.", DefaultValueFactory = _ => 3 };
        var datastore = new Option<string>("--datastore") { Description = "embedded (a SQLite file) or etcd (real etcd in the fabric).", DefaultValueFactory = _ => "embedded" };
        var members = new Option<int>("--etcd-members") { Description = "etcd members: 1 or 3.", DefaultValueFactory = _ => 1 };
        var bgp = new Option<string>("--bgp") { Description = "mesh (full mesh), rr (node1 reflects) or as-per-rack (ToR BIRD in the fabric, one AS per node).", DefaultValueFactory = _ => "mesh" };
        var pool = new Option<string>("--pool") { Description = "IP pool CIDR for workloads.", DefaultValueFactory = _ => "192.168.0.0/16" };
        var underlay = new Option<string>("--underlay") { Description = "Underlay CIDR between the nodes (inside the lab's namespaces only).", DefaultValueFactory = _ => "172.31.0.0/24" };
        var noDemo = new Option<bool>("--no-demo") { Description = "Do not create the demo tenant network." };
        var command = new Command("up", "Build the lab: fabric, nodes, datastore, IP pool, BGP, one agent per node, and the demo tenant network.\n\n" +
            "Examples:\n  sudo ./brindle lab up\n  sudo ./brindle lab up --nodes 5 --datastore etcd --etcd-members 3 --bgp rr\n  sudo ./brindle lab up --name lab2 --underlay 172.31.1.0/24 --no-demo")
        {
            name, nodes, datastore, members, bgp, pool, underlay, noDemo,
        };
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var options = new LabOptions
            {
                Name = parse.GetValue(name)!,
                Nodes = parse.GetValue(nodes),
                Datastore = parse.GetValue(datastore) switch
                {
                    "embedded" => LabDatastore.Embedded,
                    "etcd" or "etcdv3" => LabDatastore.Etcd,
                    var other => throw new UserErrorException($"--datastore must be embedded or etcd, not '{other}'"),
                },
                EtcdMembers = parse.GetValue(members),
                Bgp = parse.GetValue(bgp) switch
                {
                    "mesh" => LabBgpMode.Mesh,
                    "rr" => LabBgpMode.RouteReflector,
                    "as-per-rack" => LabBgpMode.AsPerRack,
                    var other => throw new UserErrorException($"--bgp must be mesh, rr or as-per-rack, not '{other}'"),
                },
                Pool = ParseNetwork("--pool", parse.GetValue(pool)!),
                Underlay = ParseNetwork("--underlay", parse.GetValue(underlay)!),
                Demo = !parse.GetValue(noDemo),
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var cluster = new LabCluster(ProcessCommandRunner.Instance, console.Out);
            LabState state;
            try
            {
                state = await cluster.BuildAsync(options, ct);
                if (options.Datastore == LabDatastore.Etcd && !InFabric(console))
                {
                    var code = await ReexecInFabricAsync(console, new LabLayout(options).FabricNamespace, ["lab", "provision", "--name", options.Name], ct);
                    if (code != ExitCodes.Success) throw new UserErrorException($"lab '{options.Name}' is half built; remove it with: brindle lab down{NameArgument(options.Name)}");
                    state = await LabCluster.LoadStateAsync(options.Name, ct) ?? state;
                }
                else
                {
                    state = await cluster.ProvisionAsync(state, Writer(state), AgentAvailable(console), ct);
                }
            }
            catch (Exception e) when (e is LabException or CommandFailedException && !(e is LabException l && l.Message.Contains("already running", StringComparison.Ordinal)))
            {
                throw new UserErrorException($"{e.Message}\nThe lab is half built; remove it with: brindle lab down{NameArgument(options.Name)}");
            }
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Lab '{options.Name}' is up in {clock.Elapsed.TotalSeconds:0.0} s."));
            await console.Out.WriteAsync(Summary(state));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command BuildProvision(CliConsole console)
    {
        var name = NameOption();
        var command = new Command("provision", "(internal) The datastore part of 'lab up', run inside the fabric namespace for etcd labs.") { name };
        command.Hidden = true;
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var state = await RequireStateAsync(parse.GetValue(name)!, ct);
            await new LabCluster(ProcessCommandRunner.Instance, console.Out).ProvisionAsync(state, Writer(state), AgentAvailable(console), ct);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command BuildDown(CliConsole console)
    {
        var name = NameOption();
        var command = new Command("down", "Remove the lab: every process it started, its namespaces (also ones left by a crash) and its files. Idempotent.\n\n" +
            "Example:\n  sudo ./brindle lab down") { name };
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var lab = parse.GetValue(name)!;
            var (processes, namespaces) = await new LabCluster(ProcessCommandRunner.Instance, console.Out).DownAsync(lab, ct);
            await console.Out.WriteLineAsync(processes + namespaces == 0
                ? $"Lab '{lab}' is not running; nothing to remove."
                : $"Lab '{lab}' removed: {processes} process{(processes == 1 ? "" : "es")} stopped, {namespaces} namespace{(namespaces == 1 ? "" : "s")} deleted.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command BuildStatus(CliConsole console)
    {
        var name = NameOption();
        var command = new Command("status", "Show the lab's nodes, agents, BGP sessions and workloads.\n\nExample:\n  sudo ./brindle lab status") { name };
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var state = await RequireStateAsync(parse.GetValue(name)!, ct);
            var nodes = await new LabStatus(ProcessCommandRunner.Instance).NodesAsync(state, ct);
            await console.Out.WriteLineAsync(LabTables.Nodes(nodes));
            await console.Out.WriteLineAsync(LabTables.Sessions(nodes));
            await console.Out.WriteLineAsync(LabTables.Workloads(state));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command BuildApply(CliConsole console)
    {
        var name = NameOption();
        var input = new ManifestInput();
        var command = new Command("apply", "Apply manifests to the lab; WorkloadEndpoints on lab nodes become real workloads first (address from IPAM when none).\n" +
            "All or nothing, like 'brindle apply'.\n\nExample:\n  sudo ./brindle lab apply -f tenant.yaml") { name };
        input.AddTo(command);
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var state = await RequireStateAsync(parse.GetValue(name)!, ct);
            if (NeedsFabric(console, state)) return await ReexecInFabricAsync(console, new LabLayout(state.ToOptions()).FabricNamespace, Environment.GetCommandLineArgs()[1..], ct);
            var (documents, errors) = await input.ReadAsync(console, parse);
            if (errors.Count > 0) return await ErrorReport.WriteAsync(console, errors, "nothing was written");
            var (applied, _) = await new LabWorkloads(ProcessCommandRunner.Instance, new LabLayout(state.ToOptions())).ApplyAsync(state, documents, Writer(state), ct);
            await console.Out.WriteLineAsync($"applied {documents.Count} resource{(documents.Count == 1 ? "" : "s")} ({applied.Workloads} new workload{(applied.Workloads == 1 ? "" : "s")})");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command BuildWorkload(CliConsole console)
    {
        var command = new Command("workload", "Add or delete one lab workload.");
        var name = NameOption();
        var node = new Option<string>("--node") { Description = "Lab node (node1, …).", Required = true };
        var workload = new Option<string>("--workload") { Description = "NAMESPACE/NAME of the workload.", Required = true };
        var ip = new Option<string?>("--ip") { Description = "Address (default: from IPAM)." };
        var labels = new Option<string?>("--labels") { Description = "Labels k=v,k=v." };
        var iface = new Option<string?>("--interface") { Description = "Host-side interface name (default: cali + hash, as Calico's CNI)." };
        var add = new Command("add", "Create a workload and its WorkloadEndpoint.\n\nExample:\n  sudo ./brindle lab workload add --node node3 --workload default/web --labels service=frontend,namespace=default")
        {
            name, node, workload, ip, labels, iface,
        };
        add.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var state = await RequireStateAsync(parse.GetValue(name)!, ct);
            if (NeedsFabric(console, state)) return await ReexecInFabricAsync(console, new LabLayout(state.ToOptions()).FabricNamespace, Environment.GetCommandLineArgs()[1..], ct);
            var (ns, wname) = SplitName(parse.GetValue(workload)!);
            var yaml = LabTables.EndpointYaml(ns, wname, parse.GetValue(node)!, parse.GetValue(ip), parse.GetValue(labels), parse.GetValue(iface));
            var read = ResourceCodec.Read(yaml, "--workload");
            if (read.Errors.Count > 0) throw new UserErrorException(string.Join("; ", read.Errors));
            var (_, after) = await new LabWorkloads(ProcessCommandRunner.Instance, new LabLayout(state.ToOptions())).ApplyAsync(state, read.Documents, Writer(state), ct);
            var created = after.Workloads.Last(w => w.Namespace == ns && w.Name == wname);
            await console.Out.WriteLineAsync($"workload {ns}/{wname} on {created.Node}: {created.InterfaceName}, {created.Address}, {created.Mac}");
            return ExitCodes.Success;
        }));
        var delName = NameOption();
        var delWorkload = new Option<string>("--workload") { Description = "NAMESPACE/NAME of the workload.", Required = true };
        var del = new Command("del", "Delete a workload and its WorkloadEndpoint; its address goes back to IPAM.\n\nExample:\n  sudo ./brindle lab workload del --workload default/web")
        {
            delName, delWorkload,
        };
        del.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var state = await RequireStateAsync(parse.GetValue(delName)!, ct);
            if (NeedsFabric(console, state)) return await ReexecInFabricAsync(console, new LabLayout(state.ToOptions()).FabricNamespace, Environment.GetCommandLineArgs()[1..], ct);
            var (ns, wname) = SplitName(parse.GetValue(delWorkload)!);
            await new LabWorkloads(ProcessCommandRunner.Instance, new LabLayout(state.ToOptions())).DeleteAsync(state, ns, wname, ct);
            await console.Out.WriteLineAsync($"workload {ns}/{wname} deleted");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(add);
        command.Subcommands.Add(del);
        return command;
    }

    private static Command BuildCheck(CliConsole console)
    {
        var name = NameOption();
        var probes = new Option<string?>("--probes") { Description = "JSON lines as for 'brindle policy simulate': {\"src\": \"ns/name\", \"dst\": \"ns/name or IP\", \"protocol\": \"TCP\", \"dstPort\": 80}." };
        var output = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        var command = new Command("check", "Send real packets between lab workloads (TCP connect, UDP request/reply, ICMP echo) and report what got through.\n" +
            "Without --probes: the matrix of every workload pair on TCP 80, TCP 3306 and ICMP.\n\n" +
            "Examples:\n  sudo ./brindle lab check\n  sudo ./brindle lab check --probes probes.jsonl -o json") { name, probes, output };
        command.SetAction((parse, ct) => GuardAsync(async () =>
        {
            var format = parse.GetValue(output);
            if (format is not ("text" or "json")) throw new UserErrorException($"--output must be text or json, not '{format}'");
            var state = await RequireStateAsync(parse.GetValue(name)!, ct);
            var checker = new LabChecker(state, ProcessCommandRunner.Instance);
            IReadOnlyList<PolicyProbe> list;
            if (parse.GetValue(probes) is { } file)
            {
                var (parsed, errors) = PolicySimulation.ParseProbes(await File.ReadAllTextAsync(file, ct), file);
                if (errors.Count > 0) throw new UserErrorException(string.Join("\n", errors));
                list = parsed;
            }
            else
            {
                list = checker.MatrixProbes();
                if (list.Count == 0) throw new UserErrorException("the lab has no workloads to check (lab up without --no-demo, or lab workload add)");
            }
            var (results, problems) = await checker.RunAsync(list);
            if (problems.Count > 0) throw new UserErrorException(string.Join("\n", problems));
            if (format == "json") await console.Out.WriteLineAsync(LabChecker.ToJson(results));
            else if (parse.GetValue(probes) is null) await console.Out.WriteAsync(LabChecker.RenderMatrix(results));
            else foreach (var r in results) await console.Out.WriteLineAsync($"{(r.Allowed ? "Allow" : "Deny"),-6}{r.Probe.Source} -> {r.Probe.Destination} {ProtocolNames.Format(r.Probe.Protocol)}{(r.Probe.DestinationPort is { } p ? $"/{p}" : "")}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The lab's all-or-nothing writer: the defaults and checks of <c>brindle apply</c>, then one transaction.</summary>
    private static LabWriter Writer(LabState state) => async (documents, ct) =>
    {
        var errors = new List<ResourceError>();
        var prepared = ManifestChecks.Prepare(documents, null, errors);
        if (errors.Count > 0) return [.. errors.Select(e => e.ToString())];
        await using var store = await LabStore.OpenAsync(new LabLayout(state.ToOptions()), ct);
        var outcome = await new ResourceWriter(new ResourceStore(store)).WriteAsync(prepared, WriteMode.Apply, ct);
        return [.. outcome.Errors.Select(e => e.ToString())];
    };

    private static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (LabException e)
        {
            throw new UserErrorException(e.Message);
        }
        catch (CommandFailedException e)
        {
            throw new UserErrorException(e.Message);
        }
    }

    private static async Task<LabState> RequireStateAsync(string name, CancellationToken ct) =>
        await LabCluster.LoadStateAsync(name, ct) ?? throw new UserErrorException($"lab '{name}' is not running (start it with: brindle lab up{NameArgument(name)})");

    private static bool InFabric(CliConsole console) => console.EnvironmentOrProcess.TryGetValue(InFabricVariable, out var v) && v == "1";

    private static bool NeedsFabric(CliConsole console, LabState state) => state.Options.Datastore == LabDatastore.Etcd && !InFabric(console);

    /// <summary>Runs this command again inside the fabric namespace (where etcd listens) and relays its output and exit code.</summary>
    private static async Task<int> ReexecInFabricAsync(CliConsole console, string fabric, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var (program, prefix) = LabSelf.Command([.. arguments]);
        // nsenter joins only the network namespace: 'ip netns exec' would also give the child a private mount
        // namespace, and namespaces it creates with 'ip netns add' would then be unusable from the host.
        var command = new CommandSpec("nsenter", [$"--net=/run/netns/{fabric}", "--", "env", $"{InFabricVariable}=1", program, .. prefix]) { Timeout = ReexecTimeout };
        var result = await ProcessCommandRunner.Instance.RunAsync(command, ct);
        await console.Out.WriteAsync(result.StandardOutput);
        await console.Error.WriteAsync(result.StandardError);
        return result.ExitCode;
    }

    private static bool AgentAvailable(CliConsole console) =>
        CliApplication.BuildRootCommand(console).Subcommands.FirstOrDefault(c => c.Name == "node")?.Subcommands.Any(c => c.Name == "run") == true;

    private static IPNetwork ParseNetwork(string option, string text) =>
        IPNetwork.TryParse(text, out var network) ? network : throw new UserErrorException($"{option} '{text}' is not a CIDR");

    private static (string Namespace, string Name) SplitName(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1])
            : throw new UserErrorException($"--workload '{text}' must be NAMESPACE/NAME");
    }

    private static string NameArgument(string name) => name == LabOptions.DefaultName ? "" : $" --name {name}";

    private static string Summary(LabState state) => LabTables.Summary(state);
}
