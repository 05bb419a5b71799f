using System.Text.Json.Nodes;

namespace Brindle.Api;

/// <summary>Converts old calicoctl v1 manifests (<c>apiVersion: v1</c>, lower-case kinds) to v3.</summary>
public static class V1Converter
{
    /// <summary>True for <c>apiVersion: v1</c> manifests other than the Kubernetes Namespace.</summary>
    public static bool IsV1Manifest(string apiVersion, string kind) =>
        apiVersion == "v1" && kind != "Namespace";

    internal static JsonObject? Convert(JsonObject v1, List<FieldError> errors, List<string> notes)
    {
        _ = v1;
        _ = notes;
        errors.Add(new("apiVersion", "calicoctl v1 manifests are not supported yet"));
        return null;
    }
}
