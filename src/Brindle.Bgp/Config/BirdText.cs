using System.Globalization;
using System.Net;
using System.Text;

namespace Brindle.Bgp.Config;

/// <summary>Small helpers shared by the BIRD renderers: quoting, prefixes, and an indenting line writer.</summary>
internal sealed class BirdText
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public BirdText Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 2).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <c>header {</c>, the body indented, then <c>}</c> plus <paramref name="closing"/>.</summary>
    public BirdText Block(string header, Action body, string closing = "")
    {
        Line(header + " {");
        _indent++;
        body();
        _indent--;
        return Line("}" + closing);
    }

    public override string ToString() => _text.ToString();

    /// <summary>A BIRD string literal. BIRD's lexer has no escapes, so a double quote or newline cannot be rendered.</summary>
    public static string Quote(string value) =>
        value.Contains('"') || value.Contains('\n')
            ? throw new ArgumentException($"'{value}' cannot be written as a BIRD string (contains a double quote or newline)", nameof(value))
            : "\"" + value + "\"";

    public static string Prefix(IPNetwork network) => network.ToString();

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Address(IPAddress address) => address.ToString();
}
