using System.Security.Cryptography;
using System.Text;
using Brindle.Calculation.Messages;
using Brindle.Policy;

namespace Brindle.Calculation;

/// <summary>
/// What an IP set holds: the addresses of every endpoint and network set matching <see cref="Selector"/>, or, for a
/// named-port set, each matching endpoint's address with the protocol and number of its port called <see cref="NamedPort"/>.
/// </summary>
/// <remarks>Ids are derived from the definition, so two rules that need the same set share it: <c>s:…</c> is Calico's selector id.</remarks>
internal sealed record IPSetDefinition(string Id, Selector Selector, string? NamedPort, int? NamedPortProtocol)
{
    public IPSetType Type => NamedPort is null ? IPSetType.Nets : IPSetType.NamedPorts;

    public static IPSetDefinition ForSelector(Selector selector) => new(selector.UniqueId, selector, null, null);

    public static IPSetDefinition ForNamedPort(Selector selector, string port, int? protocol)
    {
        var text = $"{selector.Canonical}|{port}|{protocol}";
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new("n:" + hash[..38], selector, port, protocol);
    }
}
