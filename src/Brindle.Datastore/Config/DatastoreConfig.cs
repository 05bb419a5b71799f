using System.Collections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Brindle.Datastore.Config;

public enum DatastoreType
{
    /// <summary>The embedded SQLite file (<c>embedded</c>), the default.</summary>
    Embedded,

    /// <summary>An etcd v3 cluster (<c>etcdv3</c>).</summary>
    EtcdV3,
}

/// <summary>
/// Which datastore to use and how to reach it, from a <c>CalicoAPIConfig</c>-style file overridden by the environment
/// (<c>DATASTORE_TYPE</c>, <c>DATASTORE_PATH</c>, <c>ETCD_ENDPOINTS</c>, <c>ETCD_KEY_FILE</c>, <c>ETCD_CERT_FILE</c>,
/// <c>ETCD_CA_CERT_FILE</c>, <c>ETCD_USERNAME</c>, <c>ETCD_PASSWORD</c>), as calicoctl reads its config.
/// </summary>
public sealed record DatastoreConfig
{
    public const string DefaultConfigPath = "/etc/brindle/brindle.cfg";
    public const string DefaultEmbeddedPath = "/var/lib/brindle/brindle.db";

    public DatastoreType Type { get; init; } = DatastoreType.Embedded;

    /// <summary>The embedded store's file.</summary>
    public string DatastorePath { get; init; } = DefaultEmbeddedPath;

    public IReadOnlyList<string> EtcdEndpoints { get; init; } = [];

    public string? EtcdKeyFile { get; init; }

    public string? EtcdCertFile { get; init; }

    public string? EtcdCACertFile { get; init; }

    public string? EtcdUsername { get; init; }

    public string? EtcdPassword { get; init; }

    /// <summary>Where the settings came from, for messages ("/etc/brindle/brindle.cfg + environment", "defaults").</summary>
    public string Source { get; init; } = "defaults";

    /// <summary>
    /// Reads <paramref name="configPath"/> (default <see cref="DefaultConfigPath"/>; the default may be absent, an explicit
    /// path may not), then applies <paramref name="environment"/> (default: the process environment) on top.
    /// </summary>
    /// <exception cref="DatastoreConfigException">Every problem found, each naming the file (or variable) and field.</exception>
    public static DatastoreConfig Load(string? configPath = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        environment ??= ProcessEnvironment();
        var path = configPath ?? DefaultConfigPath;
        var settings = new Dictionary<string, Setting>(StringComparer.Ordinal);
        var problems = new List<string>();
        var sources = new List<string>();

        if (File.Exists(path))
        {
            ReadFile(path, settings, problems);
            sources.Add(path);
        }
        else if (configPath is not null)
        {
            problems.Add($"{path}: file not found");
        }

        var fromEnvironment = false;
        foreach (var (field, variable) in EnvironmentVariables)
        {
            if (environment.TryGetValue(variable, out var value) && !string.IsNullOrEmpty(value))
            {
                settings[field] = new Setting(value, $"environment {variable}");
                fromEnvironment = true;
            }
        }
        if (fromEnvironment) sources.Add("environment");

        var config = Build(settings, problems) with { Source = sources.Count == 0 ? "defaults" : string.Join(" + ", sources) };
        if (problems.Count > 0) throw new DatastoreConfigException(problems);
        return config;
    }

    private static readonly (string Field, string Variable)[] EnvironmentVariables =
    [
        ("datastoreType", "DATASTORE_TYPE"),
        ("datastorePath", "DATASTORE_PATH"),
        ("etcdEndpoints", "ETCD_ENDPOINTS"),
        ("etcdKeyFile", "ETCD_KEY_FILE"),
        ("etcdCertFile", "ETCD_CERT_FILE"),
        ("etcdCACertFile", "ETCD_CA_CERT_FILE"),
        ("etcdUsername", "ETCD_USERNAME"),
        ("etcdPassword", "ETCD_PASSWORD"),
    ];

    private static readonly HashSet<string> KnownFields = [.. EnvironmentVariables.Select(e => e.Field)];

    private sealed record Setting(string Value, string Origin);

    private static void ReadFile(string path, Dictionary<string, Setting> settings, List<string> problems)
    {
        YamlMappingNode root;
        try
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(path)) yaml.Load(reader);
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                problems.Add($"{path}: expected a CalicoAPIConfig document (a YAML mapping)");
                return;
            }
            root = mapping;
        }
        catch (YamlException e)
        {
            problems.Add($"{path}: line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path}: cannot read: {e.Message}");
            return;
        }

        string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;

        var apiVersion = Scalar(root, "apiVersion");
        if (apiVersion != "projectcalico.org/v3")
            problems.Add($"{path}: apiVersion: expected 'projectcalico.org/v3', got '{apiVersion}'");
        var kind = Scalar(root, "kind");
        if (kind != "CalicoAPIConfig")
            problems.Add($"{path}: kind: expected 'CalicoAPIConfig', got '{kind}'");
        if (!root.Children.TryGetValue(new YamlScalarNode("spec"), out var specNode)) return;
        if (specNode is not YamlMappingNode spec)
        {
            problems.Add($"{path}: spec: expected a mapping");
            return;
        }
        foreach (var (keyNode, valueNode) in spec.Children)
        {
            var field = ((YamlScalarNode)keyNode).Value ?? "";
            if (!KnownFields.Contains(field))
            {
                problems.Add($"{path}: spec.{field}: unknown field (known: {string.Join(", ", KnownFields)})");
                continue;
            }
            var value = valueNode switch
            {
                YamlScalarNode s => s.Value,
                YamlSequenceNode seq when field == "etcdEndpoints" => string.Join(",", seq.Children.OfType<YamlScalarNode>().Select(n => n.Value)),
                _ => null,
            };
            if (value is null) problems.Add($"{path}: spec.{field}: expected a string");
            else if (value.Length > 0) settings[field] = new Setting(value, $"{path}: spec.{field}");
        }
    }

    private static DatastoreConfig Build(Dictionary<string, Setting> settings, List<string> problems)
    {
        string? Get(string field) => settings.TryGetValue(field, out var s) ? s.Value : null;
        string Origin(string field) => settings.TryGetValue(field, out var s) ? s.Origin : field;

        var type = DatastoreType.Embedded;
        switch (Get("datastoreType"))
        {
            case null or "embedded": break;
            case "etcdv3": type = DatastoreType.EtcdV3; break;
            case "kubernetes": problems.Add($"{Origin("datastoreType")}: 'kubernetes' is not supported by Brindle (use embedded or etcdv3)"); break;
            case var other: problems.Add($"{Origin("datastoreType")}: '{other}' is not one of embedded, etcdv3"); break;
        }

        var endpoints = (Get("etcdEndpoints") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var e in endpoints)
        {
            if (!Uri.TryCreate(e, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Port <= 0)
                problems.Add($"{Origin("etcdEndpoints")}: '{e}' is not an http:// or https:// URL with a host and port");
        }
        if (endpoints.Select(e => e.StartsWith("https:", StringComparison.OrdinalIgnoreCase)).Distinct().Count() > 1)
            problems.Add($"{Origin("etcdEndpoints")}: endpoints mix http:// and https://");
        if (type == DatastoreType.EtcdV3 && endpoints.Length == 0)
            problems.Add($"{Origin("datastoreType")}: etcdv3 needs etcdEndpoints (or ETCD_ENDPOINTS)");

        foreach (var field in new[] { "etcdKeyFile", "etcdCertFile", "etcdCACertFile" })
        {
            if (Get(field) is { } file && !File.Exists(file)) problems.Add($"{Origin(field)}: file '{file}' does not exist");
        }
        if ((Get("etcdKeyFile") is null) != (Get("etcdCertFile") is null))
            problems.Add($"{Origin(Get("etcdKeyFile") is null ? "etcdCertFile" : "etcdKeyFile")}: etcdCertFile and etcdKeyFile must be given together");
        if (Get("etcdPassword") is not null && Get("etcdUsername") is null)
            problems.Add($"{Origin("etcdPassword")}: a password needs etcdUsername (or ETCD_USERNAME)");

        var path = Get("datastorePath") ?? DefaultEmbeddedPath;
        try
        {
            path = Path.GetFullPath(path);
        }
        catch (ArgumentException e)
        {
            problems.Add($"{Origin("datastorePath")}: '{path}' is not a valid path: {e.Message}");
        }

        return new DatastoreConfig
        {
            Type = type,
            DatastorePath = path,
            EtcdEndpoints = endpoints,
            EtcdKeyFile = Get("etcdKeyFile"),
            EtcdCertFile = Get("etcdCertFile"),
            EtcdCACertFile = Get("etcdCACertFile"),
            EtcdUsername = Get("etcdUsername"),
            EtcdPassword = Get("etcdPassword"),
        };
    }

    private static Dictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) result[(string)e.Key] = e.Value as string;
        return result;
    }

    /// <summary>Never prints the password.</summary>
    public override string ToString() =>
        Type == DatastoreType.Embedded
            ? $"embedded datastore {DatastorePath} (from {Source})"
            : $"etcdv3 datastore {string.Join(",", EtcdEndpoints)}{(EtcdUsername is null ? "" : $" as {EtcdUsername}")} (from {Source})";
}

/// <summary>The datastore configuration is wrong; <see cref="Problems"/> lists each problem with its file (or variable) and field.</summary>
public sealed class DatastoreConfigException(IReadOnlyList<string> problems)
    : DatastoreException(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
