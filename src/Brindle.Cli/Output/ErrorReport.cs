using Brindle.Api;

namespace Brindle.Cli.Output;

/// <summary>Prints every problem of a batch, one per line, then one summary line saying nothing was written.</summary>
internal static class ErrorReport
{
    public static async Task<int> WriteAsync(CliConsole console, IReadOnlyList<ResourceError> errors, string outcome)
    {
        foreach (var error in errors) await console.Error.WriteLineAsync(error.ToString());
        if (errors.Any(e => e.Field == "metadata.resourceVersion"))
        {
            await console.Error.WriteLineAsync(
                "hint: a resourceVersion is the version you last read; someone has changed the resource since. " +
                "Get it again (brindle get KIND NAME -o yaml), redo your change, or remove metadata.resourceVersion to overwrite.");
        }
        await console.Error.WriteLineAsync($"brindle: {errors.Count} problem{(errors.Count == 1 ? "" : "s")} found; {outcome}");
        return ExitCodes.Failure;
    }

    /// <summary>Notes (v1 conversions) go to stderr so that stdout stays machine-readable.</summary>
    public static async Task WriteNotesAsync(CliConsole console, IEnumerable<string> notes)
    {
        foreach (var note in notes) await console.Error.WriteLineAsync(note);
    }
}
