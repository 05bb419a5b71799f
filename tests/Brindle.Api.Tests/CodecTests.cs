namespace Brindle.Api.Tests;

public sealed class CodecTests
{
    [Theory]
    [MemberData(nameof(Examples.V3), MemberType = typeof(Examples))]
    public void Every_v3_example_parses_and_round_trips(string file)
    {
        var result = Examples.Read("seed-v3", file);

        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Documents);
        foreach (var document in result.Documents)
        {
            var yaml = ResourceCodec.WriteYaml(document.Resource);
            var again = ResourceCodec.Read(yaml, "round-trip");
            Assert.Empty(again.Errors);
            Assert.Equal(document.Resource, Assert.Single(again.Documents).Resource);
            Assert.Equal(document.Resource, ResourceCodec.FromJson(ResourceCodec.ToJson(document.Resource)));
        }
    }

    [Fact]
    public void Multi_document_yaml_keeps_order_and_indexes()
    {
        var result = Examples.Read("seed-v3", "policies.yaml");

        Assert.Equal([1, 2, 3, 4], result.Documents.Select(d => d.Index));
        Assert.Equal(
            ["NetworkPolicy 'production/web-db-policy'", "NetworkPolicy 'staging/deny-all-default'", "GlobalNetworkPolicy 'default-deny-all'", "NetworkPolicy 'frontend/frontend-allow-http'"],
            result.Documents.Select(d => d.Resource.Describe()));
        var http = Assert.IsType<NetworkPolicy>(result.Documents[3].Resource);
        var rule = Assert.Single(http.Spec.Ingress);
        Assert.Equal(RuleAction.Allow, rule.Action);
        Assert.Equal(Protocol.Tcp, rule.Protocol);
        Assert.Equal([Port.Number(80)], rule.Destination.Ports);
    }

    [Fact]
    public void Ippool_fields_decode_typed()
    {
        var pool = Assert.IsType<IPPool>(Assert.Single(Examples.Read("seed-v3", "ippool-ipip.yaml").Documents).Resource);

        Assert.Equal(Cidr.Parse("172.16.0.0/16"), pool.Spec.Cidr);
        Assert.Equal(EncapsulationMode.Always, pool.Spec.IpipMode);
        Assert.True(pool.Spec.NatOutgoing);
        Assert.Equal("/calico/resources/v3/projectcalico.org/ippools/default-pool", pool.Key);
    }

    [Fact]
    public void Calicoctl_config_is_reported_as_not_a_resource()
    {
        var text = File.ReadAllText(Path.Combine(Examples.Root, "seed-v3", "calicoctl.cfg"));

        var error = Assert.Single(ResourceCodec.Read(text, "calicoctl.cfg").Errors);

        Assert.Equal("kind", error.Field);
        Assert.Contains("client configuration", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_object_array_and_list_kinds_are_read()
    {
        const string pool = """{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p"},"spec":{"cidr":"10.0.0.0/16"}}""";

        Assert.Single(ResourceCodec.Read(pool, "a.json").Documents);
        Assert.Equal(2, ResourceCodec.Read($"[{pool},{pool.Replace("\"p\"", "\"q\"", StringComparison.Ordinal)}]", "b.json").Documents.Count);
        var list = ResourceCodec.Read($$"""{"apiVersion":"projectcalico.org/v3","kind":"IPPoolList","items":[{{pool}}]}""", "c.json");
        Assert.Empty(list.Errors);
        Assert.Single(list.Documents);
        var yamlList = ResourceCodec.Read("kind: List\napiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: prod, labels: {env: prod}}\n", "d.yaml");
        var ns = Assert.IsType<KubernetesNamespace>(Assert.Single(yamlList.Documents).Resource);
        Assert.Equal("prod", ns.Metadata.Labels["env"]);
    }

    [Fact]
    public void Unknown_fields_and_wrong_types_are_all_reported_with_paths()
    {
        const string text = """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata:
              name: allow-db
              namespace: default
            spec:
              selectr: all()
              order: "ten"
              ingress:
              - action: allow
                destination:
                  ports: [80, true]
            """;

        var result = ResourceCodec.Read(text, "policy.yaml");

        Assert.Empty(result.Documents);
        Assert.Equal(
            [
                "policy.yaml: document 1 (NetworkPolicy 'default/allow-db'): spec.selectr: unknown field",
                "policy.yaml: document 1 (NetworkPolicy 'default/allow-db'): spec.order: expected a number, got string \"ten\"",
                "policy.yaml: document 1 (NetworkPolicy 'default/allow-db'): spec.ingress[0].action: invalid value 'allow' (expected one of Allow, Deny, Log, Pass)",
                "policy.yaml: document 1 (NetworkPolicy 'default/allow-db'): spec.ingress[0].destination.ports[1]: expected a port number, range or name, got boolean true",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Host_bits_in_a_cidr_are_an_error()
    {
        var result = ResourceCodec.Read("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec: {cidr: 10.0.0.1/16}\n", "pool.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal("spec.cidr", error.Field);
        Assert.Contains("host bits", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_syntax_errors_name_the_line()
    {
        var error = Assert.Single(ResourceCodec.Read("kind: IPPool\n  bad: [\n", "x.yaml").Errors);

        Assert.StartsWith("x.yaml: invalid YAML at line", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Strings_that_look_like_numbers_stay_strings_through_yaml()
    {
        var ns = new KubernetesNamespace
        {
            Metadata = new() { Name = "n", Labels = EquatableMap.Create(("version", "1"), ("flag", "true"), ("empty", ""), ("sel", "!has(x)")) },
        };

        var yaml = ResourceCodec.WriteYaml(ns);

        Assert.Equal(ns, Assert.Single(ResourceCodec.Read(yaml, "ns.yaml").Documents).Resource);
    }
}

public sealed class YamlReadingTests
{
    [Fact]
    public void Anchors_tags_and_empty_documents_are_handled()
    {
        const string yaml = """
            ---
            ---
            - apiVersion: v1
              kind: Namespace
              metadata:
                name: a
                labels: &common {env: prod, version: !!str 2}
            - apiVersion: v1
              kind: Namespace
              metadata: {name: b, labels: *common}
            """;

        var result = ResourceCodec.Read(yaml, "ns.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal([1, 2], result.Documents.Select(d => d.Index));
        Assert.All(result.Documents, d => Assert.Equal(EquatableMap.Create(("env", "prod"), ("version", "2")), d.Resource.Metadata.Labels));
    }

    [Fact]
    public void Duplicate_keys_are_a_syntax_error()
    {
        var error = Assert.Single(ResourceCodec.Read("kind: IPPool\nkind: Node\n", "d.yaml").Errors);

        Assert.Contains("duplicate key 'kind'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unquoted_numbers_where_strings_belong_are_type_errors()
    {
        var error = Assert.Single(ResourceCodec.Read("apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {version: 2}}\n", "n.yaml").Errors);

        Assert.Equal("metadata.labels.version", error.Field);
        Assert.Equal("expected a string, got number 2", error.Reason);
    }
}

public sealed class HostileInputTests
{
    [Fact]
    public void Duplicate_json_keys_are_an_error_not_an_exception()
    {
        var result = ResourceCodec.Read("""{"apiVersion":"v1","kind":"Namespace","kind":"Namespace","metadata":{"name":"n"}}""", "d.json");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("d.json: invalid JSON", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_yaml_is_an_error_not_a_crash()
    {
        var yaml = "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var error = Assert.Single(ResourceCodec.Read(yaml, "deep.yaml").Errors);

        Assert.Contains("nested", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_bombs_are_bounded()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 0; i < 8; i++) yaml += $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}, *{(char)('a' + i)}]\n";

        var error = Assert.Single(ResourceCodec.Read(yaml, "bomb.yaml").Errors);

        Assert.Contains("too large", error.Reason, StringComparison.Ordinal);
    }
}

public sealed class NumberEdgeTests
{
    [Theory]
    [InlineData("order: 1e400", "spec.order", "expected a number, got string \"1e400\"")]
    [InlineData("order: 99999999999999999999999", "spec.order", null)]
    [InlineData("ingress: [{action: Allow, protocol: TCP, destination: {ports: [99999999999999999999999]}}]", "spec.ingress[0].destination.ports[0]", "out of range")]
    [InlineData("ingress: [{action: Allow, ipVersion: 4.5}]", "spec.ingress[0].ipVersion", "expected an integer, got 4.5")]
    public void Huge_and_fractional_numbers_are_reported_not_thrown(string spec, string field, string? reason)
    {
        var result = ResourceCodec.Read($"apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {{name: p}}\nspec: {{{spec}}}\n", "n.yaml");

        if (reason is null)
        {
            Assert.Empty(result.Errors);
            return;
        }
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }
}

public sealed class JsonNumberEdgeTests
{
    [Fact]
    public void Json_numbers_beyond_double_are_reported()
    {
        var result = ResourceCodec.Read("""{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"t"},"spec":{"order":1e400}}""", "t.json");

        var error = Assert.Single(result.Errors);
        Assert.Equal("spec.order", error.Field);
        Assert.Contains("out of range", error.Reason, StringComparison.Ordinal);
    }
}
