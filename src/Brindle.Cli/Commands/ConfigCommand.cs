using System.CommandLine;
using System.Globalization;
using Brindle.Api;
using Brindle.Cli.Output;
using Brindle.Cli.Resources;
using Brindle.Datastore.Resources;

namespace Brindle.Cli.Commands;

/// <summary>
/// <c>brindle config get|set|unset NAME [VALUE] [--node NODE]</c>: old calicoctl's (v1) named settings, stored in
/// today's resources. Each change reads the resources, changes them, and writes them back in one transaction
/// pinned to the versions read (an absent resource is created); a concurrent writer makes it re-read (bounded).
/// </summary>
internal static class ConfigCommand
{
    /// <summary>Read-change-write rounds before giving up when other writers keep changing the same resources.</summary>
    private const int MaxAttempts = 5;

    public static Command Build(CliConsole console)
    {
        var command = new Command("config",
            "View or change cluster settings by their old calicoctl names.\n\n" +
            "Names: asNumber (BGPConfiguration default spec.asNumber), nodeToNodeMesh on|off (spec.nodeToNodeMeshEnabled),\n" +
            "logLevel none|debug|info|warning|error|critical (FelixConfiguration and BGPConfiguration spec.logSeverityScreen;\n" +
            "with --node, the node's own 'node.NODE' resources), ipip on|off (FelixConfiguration default spec.ipipEnabled).\n\n" +
            "Examples:\n  brindle config get asNumber\n  brindle config set nodeToNodeMesh off\n" +
            "  brindle config set logLevel debug --node node1\n  brindle config unset logLevel --node node1");
        command.Subcommands.Add(Get(console));
        command.Subcommands.Add(Set(console));
        command.Subcommands.Add(Unset(console));
        return command;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "Setting: asNumber, nodeToNodeMesh, logLevel or ipip (any case)." };

    private static Option<string?> NodeOption() => new("--node") { Description = "The node whose own setting to use (logLevel only)." };

    private static Command Get(CliConsole console)
    {
        var name = NameArgument();
        var node = NodeOption();
        var command = new Command("get", "Print a setting's value (its default when nothing sets it).") { name, node };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var setting = ConfigSettings.Resolve(parseResult.GetValue(name)!, parseResult.GetValue(node));
            return await CliDatastore.WithResourcesAsync(console, parseResult, async store =>
            {
                var state = await ReadAsync(store, setting, cancellationToken);
                await console.Out.WriteLineAsync(setting.Show(state));
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Set(CliConsole console)
    {
        var name = NameArgument();
        var value = new Argument<string>("VALUE") { Description = "The new value." };
        var node = NodeOption();
        var command = new Command("set", "Change a setting (creates the resource that holds it if there is none).") { name, value, node };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var setting = ConfigSettings.Resolve(parseResult.GetValue(name)!, parseResult.GetValue(node));
            var parsed = setting.Parse(parseResult.GetValue(value)!);
            return await WriteAsync(console, parseResult, setting, parsed, cancellationToken);
        });
        return command;
    }

    private static Command Unset(CliConsole console)
    {
        var name = NameArgument();
        var node = NodeOption();
        var command = new Command("unset", "Remove a setting so its default (or, with --node, the cluster-wide value) applies.") { name, node };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var setting = ConfigSettings.Resolve(parseResult.GetValue(name)!, parseResult.GetValue(node));
            return await WriteAsync(console, parseResult, setting, null, cancellationToken);
        });
        return command;
    }

    private static async Task<int> WriteAsync(CliConsole console, ParseResult parseResult, ConfigSetting setting, string? value, CancellationToken cancellationToken) =>
        await CliDatastore.WithResourcesAsync(console, parseResult, async store =>
        {
            var writer = new ResourceWriter(store);
            for (var attempt = 1; ; attempt++)
            {
                var state = await ReadAsync(store, setting, cancellationToken);
                var changed = setting.Change(state, value);
                if (changed.Count == 0)
                {
                    await console.Out.WriteLineAsync($"{setting.Name} is already {setting.Show(state)}");
                    return ExitCodes.Success;
                }
                // Pin each write to the copy read ("0": must still be absent), so a concurrent change is never lost.
                var documents = changed
                    .Select((r, i) => new Document(ResourceDefaults.Apply(r with { Metadata = r.Metadata with { ResourceVersion = state.VersionOf(r) } }), "config", i + 1))
                    .ToList();
                var outcome = await writer.WriteAsync(documents, WriteMode.Apply, cancellationToken);
                if (outcome.Succeeded)
                {
                    await console.Out.WriteLineAsync(value is null ? $"Successfully unset {setting.Name}" : $"Successfully set {setting.Name} to {value}");
                    return ExitCodes.Success;
                }
                var conflict = outcome.Errors.All(e => e.Field == "metadata.resourceVersion");
                if (!conflict || attempt == MaxAttempts)
                {
                    return await ErrorReport.WriteAsync(console, [.. outcome.Errors.Select(e => e with { Source = null, DocumentIndex = null })], "nothing was written");
                }
            }
        }, cancellationToken);

    private static async Task<ConfigState> ReadAsync(ResourceStore store, ConfigSetting setting, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(ResourceKind, string), Resource>();
        foreach (var (kind, name) in setting.Reads)
        {
            if (await store.GetAsync(kind, null, name, cancellationToken) is { } resource) found[(kind, name)] = resource;
        }
        return new ConfigState(found);
    }
}

/// <summary>The stored resources a setting reads, by kind and name (absent ones are missing).</summary>
internal sealed class ConfigState(IReadOnlyDictionary<(ResourceKind Kind, string Name), Resource> resources)
{
    public T? Find<T>(string name) where T : Resource =>
        resources.GetValueOrDefault((ResourceKinds.ForType(typeof(T)), name)) as T;

    /// <summary>The resourceVersion the write of <paramref name="resource"/> is pinned to: the copy read, or "0" (absent).</summary>
    public string VersionOf(Resource resource) =>
        resources.GetValueOrDefault((resource.ResourceKind, resource.Name))?.Metadata.ResourceVersion ?? "0";
}

/// <summary>
/// One old calicoctl setting: where it lives, how its value reads and parses. Pure: <see cref="Change"/> returns the
/// resources to write (empty when nothing changes).
/// </summary>
internal sealed record ConfigSetting(
    string Name,
    IReadOnlyList<(ResourceKind Kind, string Name)> Reads,
    Func<string, string> Parse,
    Func<ConfigState, string> Show,
    Func<ConfigState, string?, IReadOnlyList<Resource>> Change);

/// <summary>The four settings of calicoctl v1's <c>config</c> command, mapped to v3 resources.</summary>
internal static class ConfigSettings
{
    public const string Global = "default";

    /// <summary>calicoctl v1's log levels and the v3 <c>logSeverityScreen</c> each maps to ("none" logs only fatal errors).</summary>
    private static readonly Dictionary<string, string> LogLevels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = "Fatal", ["debug"] = "Debug", ["info"] = "Info", ["warning"] = "Warning", ["error"] = "Error",
        ["critical"] = "Fatal", ["fatal"] = "Fatal",
    };

    /// <summary>Felix's log level when nothing sets one.</summary>
    private const string DefaultLogLevel = "Info";

    public static IReadOnlyList<string> Names { get; } = ["asNumber", "nodeToNodeMesh", "logLevel", "ipip"];

    public static string NodeResourceName(string node) => $"node.{node}";

    /// <summary>The setting called <paramref name="name"/> (any case), for the cluster or for <paramref name="node"/>.</summary>
    /// <exception cref="UserErrorException">Unknown name, or --node with a cluster-wide setting.</exception>
    public static ConfigSetting Resolve(string name, string? node)
    {
        var canonical = Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        if (canonical is null)
        {
            throw new UserErrorException($"unknown config name '{name}'{Suggestions.DidYouMean(name, Names)}; known names: {string.Join(", ", Names)}");
        }
        if (node is not null && canonical != "logLevel") throw new UserErrorException($"{canonical} is cluster-wide: --node is only allowed with logLevel");
        if (node is { Length: 0 } || node?.Contains('/', StringComparison.Ordinal) == true) throw new UserErrorException($"--node '{node}' is not a node name");
        return canonical switch
        {
            "asNumber" => AsNumber(),
            "nodeToNodeMesh" => NodeToNodeMesh(),
            "ipip" => Ipip(),
            _ => LogLevel(node),
        };
    }

    private static ConfigSetting AsNumber() => new(
        "asNumber",
        [(ResourceKinds.BGPConfiguration, Global)],
        ParseAsNumber,
        s => (s.Find<BGPConfiguration>(Global)?.Spec.AsNumber ?? ResourceDefaults.BgpAsNumber).ToString(CultureInfo.InvariantCulture),
        (s, value) => ChangeBgp(s, Global, spec => spec with { AsNumber = value is null ? null : long.Parse(value, CultureInfo.InvariantCulture) }));

    private static ConfigSetting NodeToNodeMesh() => new(
        "nodeToNodeMesh",
        [(ResourceKinds.BGPConfiguration, Global)],
        ParseOnOff,
        s => OnOff(s.Find<BGPConfiguration>(Global)?.Spec.NodeToNodeMeshEnabled ?? true),
        (s, value) => ChangeBgp(s, Global, spec => spec with { NodeToNodeMeshEnabled = value is null ? null : value == "on" }));

    private static ConfigSetting Ipip() => new(
        "ipip",
        [(ResourceKinds.FelixConfiguration, Global)],
        ParseOnOff,
        s => OnOff(s.Find<FelixConfiguration>(Global)?.Spec.IpipEnabled ?? false),
        (s, value) => ChangeFelix(s, Global, spec => spec with { IpipEnabled = value is null ? null : value == "on" }));

    /// <summary>calicoctl v1 set both Felix's and BIRD's level; with a node, that node's own resources.</summary>
    private static ConfigSetting LogLevel(string? node)
    {
        var name = node is null ? Global : NodeResourceName(node);
        IReadOnlyList<(ResourceKind, string)> reads = node is null
            ? [(ResourceKinds.FelixConfiguration, Global), (ResourceKinds.BGPConfiguration, Global)]
            : [(ResourceKinds.FelixConfiguration, name), (ResourceKinds.BGPConfiguration, name), (ResourceKinds.FelixConfiguration, Global)];
        return new(
            "logLevel",
            reads,
            ParseLogLevel,
            s => ShowLogLevel(s, node is null ? null : name),
            (s, value) =>
            [
                .. ChangeFelix(s, name, spec => spec with { LogSeverityScreen = value }),
                .. ChangeBgp(s, name, spec => spec with { LogSeverityScreen = value }),
            ]);
    }

    private static string ShowLogLevel(ConfigState s, string? nodeResource)
    {
        if (nodeResource is not null && s.Find<FelixConfiguration>(nodeResource)?.Spec.LogSeverityScreen is { } own) return own.ToLowerInvariant();
        var global = (s.Find<FelixConfiguration>(Global)?.Spec.LogSeverityScreen ?? DefaultLogLevel).ToLowerInvariant();
        return nodeResource is null ? global : $"{global} (inherited from global)";
    }

    /// <summary>The resource to write, or nothing when the change leaves it as it is (or it is absent and would stay empty).</summary>
    private static IReadOnlyList<Resource> ChangeBgp(ConfigState s, string name, Func<BGPConfigurationSpec, BGPConfigurationSpec> change)
    {
        var current = s.Find<BGPConfiguration>(name);
        var basis = current ?? new BGPConfiguration { Metadata = new() { Name = name } };
        var changed = basis with { Spec = change(basis.Spec) };
        return changed.Spec == basis.Spec ? [] : [changed];
    }

    private static IReadOnlyList<Resource> ChangeFelix(ConfigState s, string name, Func<FelixConfigurationSpec, FelixConfigurationSpec> change)
    {
        var current = s.Find<FelixConfiguration>(name);
        var basis = current ?? new FelixConfiguration { Metadata = new() { Name = name } };
        var changed = basis with { Spec = change(basis.Spec) };
        return changed.Spec == basis.Spec ? [] : [changed];
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string ParseOnOff(string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" => "on",
        "off" or "false" => "off",
        _ => throw new UserErrorException($"invalid value '{value}' (expected on or off)"),
    };

    private static string ParseLogLevel(string value) =>
        LogLevels.TryGetValue(value, out var level)
            ? level
            : throw new UserErrorException($"invalid log level '{value}' (expected one of none, debug, info, warning, error, critical)");

    /// <summary>A 32-bit AS number, plain ("64512") or asdot ("1.10" = 1 * 65536 + 10), as calicoctl accepted.</summary>
    private static string ParseAsNumber(string value)
    {
        const NumberStyles digits = NumberStyles.None;
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 && uint.TryParse(value, digits, CultureInfo.InvariantCulture, out var plain)) return plain.ToString(CultureInfo.InvariantCulture);
        if (dot > 0 && ushort.TryParse(value.AsSpan(0, dot), digits, CultureInfo.InvariantCulture, out var high)
            && ushort.TryParse(value.AsSpan(dot + 1), digits, CultureInfo.InvariantCulture, out var low))
        {
            return (((long)high << 16) + low).ToString(CultureInfo.InvariantCulture);
        }
        throw new UserErrorException($"invalid AS number '{value}' (expected 0-4294967295, or asdot notation like 1.10)");
    }
}
