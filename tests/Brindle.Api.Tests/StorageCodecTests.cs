using CsCheck;

namespace Brindle.Api.Tests;

/// <summary>The fast storage decoder reads exactly what the strict manifest decoder reads, and defers to it otherwise.</summary>
public sealed class StorageCodecTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<WorkloadEndpoint> EndpointGen = Gen.Select(
        Gen.Int[0, 100_000], Gen.Byte, Gen.Dictionary(Gen.OneOf("app", "projectcalico.org/namespace", "tier"), Gen.OneOf("web", "db", "1"))[0, 3],
        Gen.Bool, Gen.OneOf("eth0", "cali1234567890a"),
        (n, octet, labels, withPorts, iface) => new WorkloadEndpoint
        {
            Metadata = new() { Name = $"node1-k8s-pod{n}-eth0", Namespace = "ns", Labels = labels.ToEquatableMap(), Uid = $"uid-{n}", CreationTimestamp = Created },
            Spec = new()
            {
                Orchestrator = "k8s", Node = "node1", Pod = $"pod{n}", Endpoint = "eth0", InterfaceName = iface,
                IPNetworks = [Cidr.Parse($"10.0.{octet}.1/32")], Profiles = ["kns.ns"],
                Ports = withPorts ? [new EndpointPort { Name = "http", Protocol = Protocol.Tcp, Port = 80 }] : [],
            },
        });

    public static TheoryData<string, string> ExampleFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "seed-v3", "seed-v1" })
        {
            foreach (var file in Examples.Files(folder)) data.Add(folder, Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Examples_StoredForm_FastAndStrictDecodersAgree(string folder, string file)
    {
        var read = Examples.Read(folder, file);
        Assert.Empty(read.Errors);
        Assert.NotEmpty(read.Documents);
        foreach (var document in read.Documents)
        {
            foreach (var resource in new[] { document.Resource, Stored(ResourceDefaults.Apply(document.Resource)) })
            {
                var json = ResourceCodec.ToJson(resource);
                var fast = ResourceStorageCodec.TryFastDecode(json);
                Assert.NotNull(fast);
                Assert.Equal(ResourceCodec.FromJson(json), fast);
                Assert.Equal(resource, fast);
            }
        }
    }

    [Fact]
    public void RandomPoliciesAndEndpoints_FastAndStrictDecodersAgree()
    {
        RoundTripProperties.PolicyGen.Select(p => (Resource)p).Sample(AssertAgree, iter: 300);
        EndpointGen.Select(e => (Resource)e).Sample(AssertAgree, iter: 300);
    }

    [Theory]
    [InlineData("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p"},"spec":{"cidr":"10.0.0.0/8","bogus":1}}""")]
    [InlineData("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p"},"spec":{"cidr":"10.0.0.0/33"}}""")]
    [InlineData("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p"},"spec":{"cidr":"10.0.0.0/8","blockSize":"26"}}""")]
    [InlineData("""{"apiVersion":"projectcalico.org/v3","kind":"Nope","metadata":{"name":"p"}}""")]
    [InlineData("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p"},"spec":{"ipipMode":"Sometimes"}}""")]
    [InlineData("""[1]""")]
    public void InvalidValues_FastPathDefers_SameErrorAsStrict(string json)
    {
        Assert.Null(ResourceStorageCodec.TryFastDecode(json));
        var strict = Assert.Throws<ResourceFormatException>(() => ResourceCodec.FromJson(json));
        var fast = Assert.Throws<ResourceFormatException>(() => ResourceStorageCodec.FromJson(json));
        Assert.Equal(strict.Message, fast.Message);
    }

    [Fact]
    public void NullForNonNullableMember_DefersToStrictResult()
    {
        const string json = """{"apiVersion":"projectcalico.org/v3","kind":"BGPConfiguration","metadata":{"name":"default"},"spec":null}""";
        Assert.Null(ResourceStorageCodec.TryFastDecode(json));
        Assert.Equal(ResourceCodec.FromJson(json), ResourceStorageCodec.FromJson(json));
    }

    private static Resource Stored(Resource resource) =>
        resource with { Metadata = resource.Metadata with { Uid = "0b1c", CreationTimestamp = Created } };

    private static void AssertAgree(Resource resource)
    {
        var json = ResourceCodec.ToJson(resource);
        var fast = ResourceStorageCodec.TryFastDecode(json);
        Assert.NotNull(fast);
        Assert.Equal(ResourceCodec.FromJson(json), fast);
    }
}
