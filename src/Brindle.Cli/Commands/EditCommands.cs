using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Brindle.Api;
using Brindle.Cli.Output;
using Brindle.Cli.Resources;
using Brindle.Datastore.Resources;

namespace Brindle.Cli.Commands;

/// <summary>
/// <c>brindle label</c> and <c>brindle patch</c>: read one resource, change it, and write it back only if nobody
/// changed it meanwhile (compare-and-swap on its resourceVersion), after the same checks as <c>replace</c>.
/// </summary>
internal static class EditCommands
{
    public static Command Label(CliConsole console)
    {
        var kind = CommonOptions.Kind();
        var name = new Argument<string>("NAME") { Description = "Resource name." };
        var labels = new Argument<string[]>("LABEL") { Description = "key=value to set, or key with --remove.", Arity = ArgumentArity.OneOrMore };
        var ns = CommonOptions.Namespace();
        var overwrite = new Option<bool>("--overwrite") { Description = "Allow changing the value of an existing label." };
        var remove = new Option<bool>("--remove") { Description = "Remove the named labels instead of setting them." };
        var command = new Command("label",
            "Set or remove labels on a resource.\n\nExamples:\n" +
            "  brindle label hostendpoint eth0-node1 role=gateway\n  brindle label wep web-1 -n prod tier=front --overwrite\n" +
            "  brindle label ippool pool-a zone --remove")
        {
            kind, name, labels, ns, overwrite, remove,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var resourceKind = KindNames.Resolve(parseResult.GetValue(kind)!);
            var changes = ParseLabelArguments(parseResult.GetValue(labels) ?? [], parseResult.GetValue(remove));
            return await CliDatastore.WithResourcesAsync(console, parseResult, async store =>
            {
                var resource = await ResourceLookup.GetRequiredAsync(store, resourceKind, parseResult.GetValue(ns), parseResult.GetValue(name)!, cancellationToken);
                var updated = LabelEditor.Apply(resource.Metadata.Labels, changes, parseResult.GetValue(overwrite), resource.Describe());
                var verb = parseResult.GetValue(remove) ? "removed" : "set";
                return await ReplaceAsync(console, store, resource with { Metadata = resource.Metadata with { Labels = updated } },
                    $"Successfully {verb} label(s) {string.Join(", ", changes.Select(c => c.Key))} on {resource.Describe()}", cancellationToken);
            }, cancellationToken);
        });
        return command;
    }

    public static Command Patch(CliConsole console)
    {
        var kind = CommonOptions.Kind();
        var name = new Argument<string>("NAME") { Description = "Resource name." };
        var patch = new Option<string>("--patch", "-p") { Description = "JSON merge patch (RFC 7386), e.g. '{\"spec\":{\"disabled\":true}}'.", Required = true };
        var type = new Option<string>("--type", "-t") { Description = "Patch type: merge (strategic is accepted and treated as merge).", DefaultValueFactory = _ => "merge" };
        var ns = CommonOptions.Namespace();
        var command = new Command("patch",
            "Change fields of a resource with a JSON merge patch: objects merge, other values replace, null removes.\n\nExamples:\n" +
            "  brindle patch ippool default-pool -p '{\"spec\":{\"natOutgoing\":false}}'\n" +
            "  brindle patch gnp deny-all -p '{\"spec\":{\"order\":100}}'")
        {
            kind, name, patch, type, ns,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var resourceKind = KindNames.Resolve(parseResult.GetValue(kind)!);
            if (parseResult.GetValue(type) is not ("merge" or "strategic"))
                throw new UserErrorException($"patch type '{parseResult.GetValue(type)}' is not supported (use merge)");
            var patchNode = ParsePatch(parseResult.GetValue(patch)!);
            return await CliDatastore.WithResourcesAsync(console, parseResult, async store =>
            {
                var resource = await ResourceLookup.GetRequiredAsync(store, resourceKind, parseResult.GetValue(ns), parseResult.GetValue(name)!, cancellationToken);
                var patched = JsonMergePatch.Apply(ResourceCodec.ToJsonNode(resource), patchNode);
                var identityError = IdentityChange(resource, patched);
                if (identityError is not null) throw new UserErrorException($"patch: {identityError}");
                var read = ResourceCodec.Read(patched.ToJsonString(), "patch");
                if (!read.Succeeded) return await ErrorReport.WriteAsync(console, read.Errors, "nothing was written");
                return await ReplaceAsync(console, store, read.Documents[0].Resource, $"Successfully patched {resource.Describe()}", cancellationToken);
            }, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ReplaceAsync(CliConsole console, ResourceStore store, Resource changed, string success, CancellationToken cancellationToken)
    {
        var outcome = await new ResourceWriter(store).WriteAsync([new Document(ResourceDefaults.Apply(changed), "-", 1)], WriteMode.Replace, cancellationToken);
        if (!outcome.Succeeded)
        {
            return await ErrorReport.WriteAsync(console, [.. outcome.Errors.Select(e => e with { Source = null, DocumentIndex = null })], "nothing was written");
        }
        await console.Out.WriteLineAsync(success);
        return ExitCodes.Success;
    }

    private static List<KeyValuePair<string, string?>> ParseLabelArguments(string[] arguments, bool remove)
    {
        var changes = new List<KeyValuePair<string, string?>>();
        foreach (var argument in arguments)
        {
            var eq = argument.IndexOf('=', StringComparison.Ordinal);
            if (remove)
            {
                if (eq >= 0) throw new UserErrorException($"'{argument}': with --remove give only the label key");
                changes.Add(new(argument, null));
            }
            else
            {
                if (eq <= 0) throw new UserErrorException($"'{argument}' is not key=value (to remove a label use: brindle label KIND NAME {argument} --remove)");
                changes.Add(new(argument[..eq], argument[(eq + 1)..]));
            }
        }
        return changes;
    }

    private static JsonObject ParsePatch(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new UserErrorException("--patch must be a JSON object, e.g. '{\"spec\":{\"disabled\":true}}'");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"--patch is not valid JSON: {e.Message.Split(" Path:")[0]}");
        }
    }

    private static string? IdentityChange(Resource original, JsonObject patched)
    {
        string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        var metadata = patched["metadata"] as JsonObject;
        if (Text(patched["apiVersion"]) != original.ApiVersion || Text(patched["kind"]) != original.Kind) return "apiVersion and kind cannot be changed";
        if (Text(metadata?["name"]) != original.Name) return "metadata.name cannot be changed (create a new resource and delete this one)";
        if (Text(metadata?["namespace"]) != original.Namespace) return "metadata.namespace cannot be changed";
        return null;
    }
}

/// <summary>Label changes with calicoctl's rules: changing an existing value needs --overwrite; removing a missing label is an error.</summary>
internal static class LabelEditor
{
    public static EquatableMap<string> Apply(EquatableMap<string> labels, IReadOnlyList<KeyValuePair<string, string?>> changes, bool overwrite, string what)
    {
        var result = labels;
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                if (!result.ContainsKey(key)) throw new UserErrorException($"{what} has no label '{key}'");
                result = result.Remove(key);
                continue;
            }
            if (result.TryGetValue(key, out var existing) && existing != value && !overwrite)
                throw new UserErrorException($"{what} already has label {key}={existing}; use --overwrite to change it");
            result = result.SetItem(key, value);
        }
        return result;
    }
}

/// <summary>RFC 7386 JSON merge patch: objects merge recursively, null deletes a member, anything else replaces.</summary>
internal static class JsonMergePatch
{
    public static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        var result = (JsonObject)target.DeepClone();
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonObject patchObject)
            {
                result[key] = Apply(result[key] as JsonObject ?? [], patchObject);
            }
            else
            {
                result[key] = value.DeepClone();
            }
        }
        return result;
    }
}
