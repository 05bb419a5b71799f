using System.CommandLine;
using Brindle.Datastore.Resources;
using Brindle.Policy;

namespace Brindle.Cli.Commands;

/// <summary><c>brindle policy simulate|trace</c>: judge connections offline against manifests, as Calico would.</summary>
internal static class PolicyCommand
{
    public static Command Build(CliConsole console)
    {
        var command = new Command("policy", "Simulate and explain network policy offline, exactly as Calico evaluates it.");
        command.Subcommands.Add(BuildSimulate(console));
        command.Subcommands.Add(BuildTrace(console));
        command.Subcommands.Add(BuildLint(console));
        return command;
    }

    private static Option<string[]> Files() => new("--filename", "-f")
    {
        Description = "Manifest file (YAML or JSON, multi-document; repeatable): Namespaces, endpoints, profiles, tiers, policies, network sets. Without -f: the live datastore (--config / DATASTORE_* environment).",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Option<string> ProtocolOption() => new("--protocol")
    {
        Description = "TCP, UDP, SCTP, ICMP, ICMPv6 or a number.",
        DefaultValueFactory = _ => "TCP",
    };

    private static Command BuildSimulate(CliConsole console)
    {
        var files = Files();
        var probes = new Option<string?>("--probes") { Description = "JSON lines: {\"src\": \"<ip or namespace/name>\", \"dst\": \"…\", \"protocol\": \"TCP\", \"dstPort\": 80} (ICMP: icmpType/icmpCode)." };
        var output = new Option<string>("--output", "-o") { Description = "text or json (json needs --probes).", DefaultValueFactory = _ => "text" };
        var ports = new Option<int[]>("--port") { Description = "Without --probes: print the reachability matrix of every endpoint pair for this port (repeatable; default 80)." };
        var protocol = ProtocolOption();
        var command = new Command("simulate",
            "Judge probes (or every endpoint pair) against manifests: Allow or Deny, and what decided each side.\n\n" +
            "Examples:\n" +
            "  brindle policy simulate -f cluster.yaml --probes probes.jsonl -o json\n" +
            "  brindle policy simulate -f cluster.yaml -f policies.yaml --port 80 --port 443")
        {
            files, probes, output, ports, protocol,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = parseResult.GetValue(output);
            if (format is not ("text" or "json")) return Usage(console, $"--output must be text or json, not '{format}'");
            if (!ProtocolNames.TryParse(parseResult.GetValue(protocol) ?? "TCP", out var protocolNumber)) return Usage(console, "unknown --protocol");
            var evaluator = await LoadAsync(console, parseResult, parseResult.GetValue(files), cancellationToken);
            if (evaluator is null) return ExitCodes.Failure;
            if (parseResult.GetValue(probes) is not { } probeFile)
            {
                if (format == "json") return Usage(console, "-o json needs --probes");
                var portList = parseResult.GetValue(ports) is { Length: > 0 } p ? p : [80];
                foreach (var port in portList)
                {
                    await console.Out.WriteLineAsync(ReachabilityMatrix.Compute(evaluator, protocolNumber, port).Render());
                }
                return ExitCodes.Success;
            }
            var (parsed, probeErrors) = PolicySimulation.ParseProbes(await File.ReadAllTextAsync(probeFile, cancellationToken), probeFile);
            if (probeErrors.Count > 0) return await ErrorsAsync(console, probeErrors);
            var results = new List<(PolicyProbe, ConnectionVerdict)>();
            var errors = new List<string>();
            foreach (var probe in parsed)
            {
                if (PolicySimulation.TryEvaluate(evaluator, probe, trace: false, out var verdict, out var error)) results.Add((probe, verdict!));
                else errors.Add($"{probeFile}: probe {probe.Source} -> {probe.Destination}: {error}");
            }
            if (errors.Count > 0) return await ErrorsAsync(console, errors);
            await console.Out.WriteAsync(format == "json" ? PolicySimulation.ToJson(results) + "\n" : PolicySimulation.ToText(results));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildTrace(CliConsole console)
    {
        var files = Files();
        var src = new Option<string>("--src") { Description = "Client: an IP address or namespace/name (host endpoint: name).", Required = true };
        var dst = new Option<string>("--dst") { Description = "Server: an IP address or namespace/name.", Required = true };
        var protocol = ProtocolOption();
        var port = new Option<int?>("--port") { Description = "Destination port (TCP, UDP, SCTP)." };
        var icmpType = new Option<int?>("--icmp-type") { Description = "ICMP type (ICMP probes)." };
        var icmpCode = new Option<int?>("--icmp-code") { Description = "ICMP code (ICMP probes)." };
        var command = new Command("trace",
            "Explain one connection step by step: which tiers and policies applied to each side, which rule matched, and why earlier rules did not.\n\n" +
            "Example:\n" +
            "  brindle policy trace -f cluster.yaml --src shop/frontend --dst shop/db --port 5432")
        {
            files, src, dst, protocol, port, icmpType, icmpCode,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!ProtocolNames.TryParse(parseResult.GetValue(protocol) ?? "TCP", out var protocolNumber)) return Usage(console, "unknown --protocol");
            var dstPort = parseResult.GetValue(port);
            if (ProtocolNames.HasPorts(protocolNumber) && dstPort is not (>= 1 and <= 65535)) return Usage(console, $"--port (1-65535) is required for {ProtocolNames.Format(protocolNumber)}");
            var evaluator = await LoadAsync(console, parseResult, parseResult.GetValue(files), cancellationToken);
            if (evaluator is null) return ExitCodes.Failure;
            var probe = new PolicyProbe(parseResult.GetValue(src)!, parseResult.GetValue(dst)!, protocolNumber,
                ProtocolNames.HasPorts(protocolNumber) ? dstPort : null, parseResult.GetValue(icmpType), parseResult.GetValue(icmpCode));
            if (!PolicySimulation.TryEvaluate(evaluator, probe, trace: true, out var verdict, out var error)) return await ErrorsAsync(console, [error!]);
            await console.Out.WriteAsync(PolicySimulation.Explain(probe, verdict!));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildLint(CliConsole console)
    {
        var files = Files();
        var command = new Command("lint",
            "Warn about rules that can never match, policies and profiles that select nothing, missing profiles, and types defaulting " +
            "that differs from Kubernetes NetworkPolicy. Exit 1 if there are warnings.\n\n" +
            "Example:\n" +
            "  brindle policy lint -f cluster.yaml")
        {
            files,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var evaluator = await LoadAsync(console, parseResult, parseResult.GetValue(files), cancellationToken);
            if (evaluator is null) return ExitCodes.Failure;
            var warnings = PolicyLinter.Lint(evaluator.Model);
            foreach (var warning in warnings) await console.Out.WriteLineAsync($"warning: {warning}");
            if (warnings.Count == 0) await console.Out.WriteLineAsync("no problems found");
            return warnings.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>The manifests given with -f, or every resource of <see cref="PolicySimulation.ModelKinds"/> in the live datastore.</summary>
    private static async Task<PolicyEvaluator?> LoadAsync(CliConsole console, ParseResult parseResult, string[]? files, CancellationToken cancellationToken)
    {
        PolicyEvaluator? evaluator;
        IReadOnlyList<string> errors, notes;
        if (files is { Length: > 0 })
        {
            var texts = new List<(string, string)>();
            foreach (var file in files) texts.Add((file, await File.ReadAllTextAsync(file, cancellationToken)));
            (evaluator, errors, notes) = PolicySimulation.Load(texts);
        }
        else
        {
            await using var store = await CliDatastore.OpenAsync(console, parseResult, cancellationToken);
            var resources = new ResourceStore(store);
            var all = new List<Brindle.Api.Resource>();
            foreach (var kind in PolicySimulation.ModelKinds) all.AddRange((await resources.ListAsync(kind, ns: null, cancellationToken)).Items);
            (evaluator, errors, notes) = PolicySimulation.Load(all, "datastore");
        }
        foreach (var note in notes) await console.Error.WriteLineAsync($"note: {note}");
        if (errors.Count > 0) await ErrorsAsync(console, errors);
        return evaluator;
    }

    private static async Task<int> ErrorsAsync(CliConsole console, IEnumerable<string> errors)
    {
        foreach (var error in errors) await console.Error.WriteLineAsync($"brindle: {error}");
        return ExitCodes.Failure;
    }

    private static int Usage(CliConsole console, string message)
    {
        console.Error.WriteLine($"brindle policy: {message}");
        return ExitCodes.Usage;
    }
}
