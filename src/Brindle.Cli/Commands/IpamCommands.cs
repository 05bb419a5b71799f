using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Brindle.Datastore.Kv;
using Brindle.Datastore.Resources;
using Brindle.Ipam;
using Brindle.Ipam.Reports;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle ipam assign|release|show|check|configure</c>: thin handlers over <see cref="IpamClient"/>.</summary>
internal static class IpamCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="openStore">Opens the configured datastore (given the parse result for <c>--config</c>).</param>
    public static Command Build(CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore)
    {
        var ipam = new Command("ipam", "IP address management: assign, release, show, check and configure.");
        ipam.Subcommands.Add(Assign(console, openStore));
        ipam.Subcommands.Add(Release(console, openStore));
        ipam.Subcommands.Add(Show(console, openStore));
        ipam.Subcommands.Add(Check(console, openStore));
        ipam.Subcommands.Add(Configure(console, openStore));
        return ipam;
    }

    /// <summary>The <c>ipam</c> command over the datastore named by <c>--config</c> / the environment (<see cref="CliDatastore"/>).</summary>
    public static Command Build(CliConsole console) => Build(console, (parse, ct) => CliDatastore.OpenAsync(console, parse, ct));

    /// <summary>Hidden <c>--repeat N</c>: one process does N requests through the real command path (the multi-process stress test).</summary>
    private static Option<int> RepeatOption(string description) => new("--repeat") { Description = description, DefaultValueFactory = _ => 1, Hidden = true };

    private static int Repetitions(ParseResult parse, Option<int> repeat)
    {
        var n = parse.GetValue(repeat);
        return n >= 1 ? n : throw new UserErrorException($"--repeat {n}: must be at least 1.");
    }

    private static Option<string> OutputOption() => new("--output", "-o") { Description = "Output format: table or json.", DefaultValueFactory = _ => "table" };

    private static Command Assign(CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore)
    {
        var node = new Option<string>("--node") { Description = "Node the addresses are for.", Required = true };
        var handle = new Option<string>("--handle") { Description = "Handle naming the owner (release --handle frees them all).", Required = true };
        var count = new Option<int>("--count") { Description = "IPv4 addresses to assign (default 1, or 0 with --ipv6-count/--ip).", DefaultValueFactory = _ => -1 };
        var count6 = new Option<int>("--ipv6-count") { Description = "IPv6 addresses to assign." };
        var ip = new Option<string?>("--ip") { Description = "Assign this specific address instead." };
        var pool = new Option<string[]>("--pool") { Description = "Only from this pool CIDR (repeatable)." };
        var output = OutputOption();
        var repeat = RepeatOption("Run the request N times with handles H-0 … H-(N-1) (stress testing).");
        var command = new Command("assign",
            "Assign addresses to a handle. All or nothing: a request that cannot be met in full leaves nothing allocated.\n\nExamples:\n" +
            "  brindle ipam assign --node node1 --handle pod-a --count 2 -o json\n  brindle ipam assign --node node1 --handle vm-1 --ip 10.0.0.7")
        {
            node, handle, count, count6, ip, pool, output,
        };
        command.Options.Add(repeat);
        command.SetAction((parse, ct) => RunAsync(console, openStore, parse, ParsePools(parse.GetValue(pool)), async client =>
        {
            var times = Repetitions(parse, repeat);
            if (times > 1 && parse.GetValue(ip) is not null) throw new UserErrorException("--repeat cannot be combined with --ip.");
            var ips = new List<AssignedAddress>();
            for (var i = 0; i < times; i++)
            {
                // Each repetition is its own all-or-nothing request with its own handle (H-0, H-1, …): N processes × --repeat
                // drive the real command path without paying process start-up per assignment.
                var handleId = times == 1 ? parse.GetValue(handle)! : $"{parse.GetValue(handle)}-{i}";
                if (parse.GetValue(ip) is { } text)
                {
                    ips.Add(await client.AssignIPAsync(ParseAddress(text), handleId, parse.GetValue(node)!, cancellationToken: ct));
                    continue;
                }
                var n6 = parse.GetValue(count6);
                var n4 = parse.GetValue(count) is var c and >= 0 ? c : n6 > 0 ? 0 : 1;
                var pools = ParsePools(parse.GetValue(pool));
                ips.AddRange(await client.AutoAssignAsync(new AutoAssignRequest(parse.GetValue(node)!, handleId, n4, n6, Pools: pools.Count > 0 ? pools : null), ct));
            }
            if (IsJson(parse, output)) WriteJson(console, new JsonObject { ["ips"] = new JsonArray([.. ips.Select(i => JsonValue.Create(i.Address.ToString()))]) });
            else foreach (var i in ips) console.Out.WriteLine(i.ToString());
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Release(CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore)
    {
        var ip = new Option<string[]>("--ip") { Description = "Address to release (repeatable)." };
        var handle = new Option<string?>("--handle") { Description = "Release every address of this handle." };
        var repeat = RepeatOption("With --handle H: release handles H-0 … H-(N-1) (the counterpart of assign --repeat).");
        var command = new Command("release", "Release addresses by address or by handle.\n\nExamples:\n  brindle ipam release --ip 10.0.0.7\n  brindle ipam release --handle pod-a")
        {
            ip, handle, repeat,
        };
        command.SetAction((parse, ct) => RunAsync(console, openStore, parse, [], async client =>
        {
            var ips = parse.GetValue(ip) ?? [];
            if ((ips.Length > 0) == (parse.GetValue(handle) is not null)) throw new UserErrorException("give either --ip or --handle.");
            if (parse.GetValue(handle) is { } h)
            {
                var times = Repetitions(parse, repeat);
                var count = 0;
                for (var i = 0; i < times; i++) count += (await client.ReleaseByHandleAsync(times == 1 ? h : $"{h}-{i}", ct)).Count;
                console.Out.WriteLine(times == 1 ? $"Released {count} addresses of handle {h}." : $"Released {count} addresses of handles {h}-0 … {h}-{times - 1}.");
                return ExitCodes.Success;
            }
            var result = await client.ReleaseIPsAsync([.. ips.Select(ParseAddress)], ct);
            foreach (var a in result.Released) console.Out.WriteLine($"Released {a}");
            foreach (var a in result.NotAllocated) console.Out.WriteLine($"{a} was not allocated");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Show(CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore)
    {
        var ip = new Option<string?>("--ip") { Description = "Show who holds this address." };
        var blocks = new Option<bool>("--show-blocks") { Description = "Also list every block with its affinity and usage." };
        var borrowed = new Option<bool>("--show-borrowed") { Description = "List addresses borrowed from other nodes' blocks." };
        var output = OutputOption();
        var command = new Command("show", "Show IP usage per pool (and per block, borrowed addresses, or one address).\n\nExamples:\n  brindle ipam show --show-blocks\n  brindle ipam show --ip 10.0.0.7")
        {
            ip, blocks, borrowed, output,
        };
        command.SetAction((parse, ct) => RunAsync(console, openStore, parse, [], async client =>
        {
            if (parse.GetValue(ip) is { } text)
            {
                var address = ParseAddress(text);
                var info = await client.GetAssignmentAttributesAsync(address, ct);
                if (IsJson(parse, output)) WriteJson(console, AllocationJson(address, info));
                else if (info is null) console.Out.WriteLine($"IP {address} is not assigned");
                else
                {
                    console.Out.WriteLine($"IP {address} is in use (block {info.Block}, affinity {info.AffinityNode ?? "none"})");
                    console.Out.WriteLine($"Handle: {info.HandleId}");
                    foreach (var (k, v) in info.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal)) console.Out.WriteLine($"  {k}: {v}");
                }
                return ExitCodes.Success;
            }
            var report = await client.ShowAsync(ct);
            if (IsJson(parse, output)) WriteJson(console, UsageJson(report));
            else IpamTables.WriteUsage(console.Out, report, parse.GetValue(blocks), parse.GetValue(borrowed));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Check(CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore)
    {
        var fix = new Option<bool>("--fix") { Description = "Repair what is safe: handle records, dangling or pending affinities, empty blocks of deleted nodes." };
        var output = OutputOption();
        var command = new Command("check",
            "Check IPAM records against each other and against workload endpoints: leaked addresses, orphaned handles, affinities of deleted nodes.\n" +
            "Exit code 0 when clean, 1 when problems remain.\n\nExamples:\n  brindle ipam check\n  brindle ipam check --fix")
        {
            fix, output,
        };
        command.SetAction((parse, ct) => RunAsync(console, openStore, parse, [], async (client, sources) =>
        {
            var endpoints = await sources.GetEndpointAddressesAsync(ct);
            IReadOnlyList<string> repairs = [];
            IpamCheckReport report;
            if (parse.GetValue(fix))
            {
                var result = await client.FixAsync(endpoints, ct);
                (repairs, report) = (result.Repairs, result.After);
            }
            else
            {
                report = await client.CheckAsync(endpoints, ct);
            }
            if (IsJson(parse, output)) WriteJson(console, CheckJson(report, repairs));
            else IpamTables.WriteCheck(console.Out, report, repairs);
            return report.IsClean ? ExitCodes.Success : ExitCodes.Failure;
        }, ct));
        return command;
    }

    private static Command Configure(CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore)
    {
        var strict = new Option<bool?>("--strictaffinity") { Description = "true: never borrow addresses from other nodes' blocks." };
        var maxBlocks = new Option<int?>("--max-blocks-per-host") { Description = "Blocks a node may claim (0: default 20; > 0 needs --strictaffinity=true)." };
        var command = new Command("configure", "Change IPAM settings; prints the result.\n\nExample:\n  brindle ipam configure --strictaffinity=true --max-blocks-per-host=4")
        {
            strict, maxBlocks,
        };
        command.SetAction((parse, ct) => RunAsync(console, openStore, parse, [], async client =>
        {
            var config = await client.ConfigureAsync(parse.GetValue(strict), parse.GetValue(maxBlocks), ct);
            console.Out.WriteLine($"StrictAffinity: {config.StrictAffinity.ToString().ToLowerInvariant()}");
            console.Out.WriteLine($"AutoAllocateBlocks: {config.AutoAllocateBlocks.ToString().ToLowerInvariant()}");
            console.Out.WriteLine($"MaxBlocksPerHost: {config.MaxBlocksPerHost}");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Task<int> RunAsync(
        CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore, ParseResult parse, IReadOnlyList<IPNetwork> adHocPools,
        Func<IpamClient, Task<int>> action, CancellationToken cancellationToken) =>
        RunAsync(console, openStore, parse, adHocPools, (client, _) => action(client), cancellationToken);

    private static async Task<int> RunAsync(
        CliConsole console, Func<ParseResult, CancellationToken, Task<IKeyValueStore>> openStore, ParseResult parse, IReadOnlyList<IPNetwork> adHocPools,
        Func<IpamClient, IpamDatastoreSources, Task<int>> action, CancellationToken cancellationToken)
    {
        await using var store = await openStore(parse, cancellationToken);
        var sources = new IpamDatastoreSources(new ResourceStore(store), adHocPools);
        var client = new IpamClient(store, sources, sources, sources, sources.SelectorMatches);
        try
        {
            return await action(client, sources);
        }
        catch (IpamException e)
        {
            // Expected IPAM outcomes (not enough addresses, address in use …) are the user's to act on: one line, no stack.
            await console.Error.WriteLineAsync($"brindle: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var a) ? a : throw new UserErrorException($"'{text}' is not an IP address.");

    private static List<IPNetwork> ParsePools(string[]? texts) =>
        [.. (texts ?? []).Select(t => IPNetwork.TryParse(t, out var n) ? n : throw new UserErrorException($"--pool '{t}' is not a CIDR."))];

    private static bool IsJson(ParseResult parse, Option<string> output) => parse.GetValue(output) switch
    {
        "json" => true,
        "table" or "wide" => false,
        var other => throw new UserErrorException($"--output '{other}': use table or json."),
    };

    private static void WriteJson(CliConsole console, JsonNode node) => console.Out.WriteLine(node.ToJsonString(Indented));

    private static JsonObject AllocationJson(IPAddress address, IpamAllocation? info) => new()
    {
        ["ip"] = address.ToString(),
        ["inUse"] = info is not null,
        ["block"] = info?.Block.ToString(),
        ["affinity"] = info?.AffinityNode,
        ["handle"] = info?.HandleId,
        ["attributes"] = info is null ? null : new JsonObject([.. info.Attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))]),
    };

    private static JsonObject UsageJson(IpamUsageReport report) => new()
    {
        ["allocated"] = report.AllocatedTotal,
        ["pools"] = new JsonArray([.. report.Pools.Select(p => (JsonNode)new JsonObject
        {
            ["cidr"] = p.Cidr.ToString(), ["size"] = p.Size.ToString(), ["allocated"] = p.Allocated, ["blocks"] = p.BlockCount, ["disabled"] = p.Disabled,
        })]),
        ["blocks"] = new JsonArray([.. report.Blocks.Select(b => (JsonNode)new JsonObject
        {
            ["cidr"] = b.Cidr.ToString(), ["pool"] = b.Pool?.ToString(), ["affinity"] = b.AffinityNode, ["size"] = b.Size, ["allocated"] = b.Allocated, ["borrowed"] = b.Borrowed,
        })]),
        ["borrowed"] = new JsonArray([.. report.Borrowed.Select(b => (JsonNode)new JsonObject
        {
            ["ip"] = b.Address.ToString(), ["block"] = b.Block.ToString(), ["blockNode"] = b.BlockNode, ["allocatedTo"] = b.AllocatedTo, ["handle"] = b.HandleId,
        })]),
    };

    private static JsonObject CheckJson(IpamCheckReport r, IReadOnlyList<string> repairs) => new()
    {
        ["clean"] = r.IsClean,
        ["blocks"] = r.BlockCount,
        ["allocated"] = r.AllocatedAddresses,
        ["handles"] = r.HandleCount,
        ["handleAddresses"] = r.HandleAddresses,
        ["leaked"] = new JsonArray([.. r.LeakedAddresses.Select(l => (JsonNode)new JsonObject { ["ip"] = l.Address.ToString(), ["handle"] = l.HandleId, ["node"] = l.Node })]),
        ["missing"] = new JsonArray([.. r.MissingAllocations.Select(m => (JsonNode)new JsonObject { ["ip"] = m.Address.ToString(), ["owner"] = m.Owner })]),
        ["handleProblems"] = new JsonArray([.. r.HandleProblems.Select(h => (JsonNode)new JsonObject
        {
            ["handle"] = h.HandleId, ["block"] = h.Block.ToString(), ["recorded"] = h.Recorded, ["actual"] = h.Actual, ["kind"] = h.Kind.ToString(),
        })]),
        ["affinityProblems"] = new JsonArray([.. r.AffinityProblems.Select(a => (JsonNode)new JsonObject
        {
            ["node"] = a.Node, ["block"] = a.Block.ToString(), ["allocated"] = a.Allocated, ["kind"] = a.Kind.ToString(),
        })]),
        ["blockProblems"] = new JsonArray([.. r.BlockProblems.Select(b => (JsonNode)new JsonObject { ["block"] = b.Block.ToString(), ["problem"] = b.Problem })]),
        ["repairs"] = new JsonArray([.. repairs.Select(x => (JsonNode)JsonValue.Create(x))]),
    };
}
