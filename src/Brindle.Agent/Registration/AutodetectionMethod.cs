using System.Net;
using System.Text.RegularExpressions;

namespace Brindle.Agent.Registration;

/// <summary>
/// Calico's <c>IP_AUTODETECTION_METHOD</c> values: <c>first-found</c>, <c>interface=REGEX[,REGEX]</c>,
/// <c>skip-interface=REGEX[,REGEX]</c>, <c>can-reach=ADDRESS</c> and <c>cidr=CIDR[,CIDR]</c>.
/// </summary>
public abstract record AutodetectionMethod
{
    private AutodetectionMethod() { }

    public sealed record FirstFound : AutodetectionMethod { public override string ToString() => "first-found"; }

    public sealed record Interface(IReadOnlyList<Regex> Patterns, string Text) : AutodetectionMethod { public override string ToString() => $"interface={Text}"; }

    public sealed record SkipInterface(IReadOnlyList<Regex> Patterns, string Text) : AutodetectionMethod { public override string ToString() => $"skip-interface={Text}"; }

    public sealed record CanReach(string Destination) : AutodetectionMethod { public override string ToString() => $"can-reach={Destination}"; }

    public sealed record Cidr(IReadOnlyList<IPNetwork> Networks, string Text) : AutodetectionMethod { public override string ToString() => $"cidr={Text}"; }

    /// <summary>Parses a method; on failure <paramref name="error"/> says what is accepted.</summary>
    public static bool TryParse(string text, out AutodetectionMethod? method, out string? error)
    {
        method = null;
        error = null;
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var name = eq < 0 ? text.Trim() : text[..eq].Trim();
        var value = eq < 0 ? "" : text[(eq + 1)..].Trim();
        switch (name)
        {
            case "first-found" when eq < 0:
                method = new FirstFound();
                return true;
            case "interface" or "skip-interface" when value.Length > 0:
                var patterns = new List<Regex>();
                foreach (var p in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    try { patterns.Add(new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))); }
                    catch (ArgumentException e) { error = $"'{p}' is not a valid regular expression: {e.Message}"; return false; }
                }
                method = name == "interface" ? new Interface(patterns, value) : new SkipInterface(patterns, value);
                return true;
            case "can-reach" when value.Length > 0:
                method = new CanReach(value);
                return true;
            case "cidr" when value.Length > 0:
                var nets = new List<IPNetwork>();
                foreach (var c in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!IPNetwork.TryParse(c, out var net)) { error = $"'{c}' is not a CIDR"; return false; }
                    nets.Add(net);
                }
                method = new Cidr(nets, value);
                return true;
            default:
                error = $"unknown autodetection method '{text}': use first-found, interface=REGEX, skip-interface=REGEX, can-reach=ADDRESS or cidr=CIDR";
                return false;
        }
    }
}
