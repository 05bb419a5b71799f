namespace Brindle.Api;

/// <summary>
/// One decoded resource and where it came from: the source name and its 1-based position among the
/// documents of that source (items of a list count one each). <see cref="ConvertedFromV1"/> is set when the
/// manifest was in the old calicoctl v1 format; <see cref="ConversionNotes"/> says what changed.
/// </summary>
public sealed record Document(Resource Resource, string Source, int Index)
{
    public bool ConvertedFromV1 { get; init; }

    public EquatableArray<string> ConversionNotes { get; init; }

    /// <summary>An error about a field of this document.</summary>
    public ResourceError Error(string? field, string reason) =>
        new(Source, Index, Resource.Kind, Resource.QualifiedName, field, reason);
}

/// <summary>
/// The outcome of <see cref="ResourceCodec.Read"/>: the documents that decoded and every error found.
/// A document with any decoding error is left out of <see cref="Documents"/>.
/// </summary>
public sealed record ReadResult(IReadOnlyList<Document> Documents, IReadOnlyList<ResourceError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}
