using System.Text;

namespace Brindle.Cli.Output;

/// <summary>
/// Renders rows as calicoctl's tables (Go's tabwriter with padding 3): each column as wide as its widest cell
/// plus three spaces, the last column unpadded, headings in capitals.
/// </summary>
internal static class TableRenderer
{
    private const int Padding = 3;

    public static string Render(IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headings };
        all.AddRange(rows);
        var widths = new int[headings.Count];
        foreach (var row in all)
        {
            for (var i = 0; i < widths.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        }
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var i = 0; i < widths.Length; i++)
            {
                if (i == widths.Length - 1) text.Append(row[i]);
                else text.Append(row[i].PadRight(widths[i] + Padding));
            }
            TrimEnd(text);
            text.Append('\n');
        }
        return text.ToString();
    }

    private static void TrimEnd(StringBuilder text)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] == ' ') end--;
        text.Length = end;
    }
}
