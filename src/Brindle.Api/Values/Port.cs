using System.Globalization;

namespace Brindle.Api;

/// <summary>
/// A rule port as Calico writes it: a number (<c>80</c>), an inclusive range (<c>"6040:6050"</c>) or a
/// named port (<c>"http-port"</c>) resolved against endpoint ports. Construction is lenient so that
/// <see cref="ResourceValidator"/> can report out-of-range values with their field path.
/// </summary>
public sealed record Port
{
    private Port(long min, long max, string? name)
    {
        MinPort = min;
        MaxPort = max;
        Name = name;
    }

    /// <summary>First port of the range (equal to <see cref="MaxPort"/> for a single port); 0 for named ports.</summary>
    public long MinPort { get; }

    /// <summary>Last port of the range, inclusive.</summary>
    public long MaxPort { get; }

    /// <summary>The named port, or null for numeric ports and ranges.</summary>
    public string? Name { get; }

    public bool IsNamed => Name is not null;

    public bool IsRange => Name is null && MinPort != MaxPort;

    public static Port Number(long port) => new(port, port, null);

    public static Port Range(long min, long max) => new(min, max, null);

    public static Port Named(string name) => new(0, 0, name);

    /// <summary>Parses "80", "6040:6050" or a name; anything that is not numeric is kept as a name.</summary>
    public static Port Parse(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var single)) return Number(single);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            && long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var max))
        {
            return Range(min, max);
        }
        return Named(text);
    }

    public bool Contains(long port) => Name is null && port >= MinPort && port <= MaxPort;

    public override string ToString() =>
        Name ?? (MinPort == MaxPort ? MinPort.ToString(CultureInfo.InvariantCulture) : $"{MinPort}:{MaxPort}");
}
