namespace Brindle.Policy;

/// <summary>What a selector requires of one label key for it to match at all; used to index selectors.</summary>
/// <param name="MustBePresent">The label must be present (<c>has(k)</c>, <c>k == 'v'</c>, <c>k contains 's'</c> …).</param>
/// <param name="MustBeAbsent">The label must be absent (<c>!has(k)</c>).</param>
/// <param name="OneOf">If not null, the label's value must be one of these (sorted, distinct); empty means the selector can match nothing.</param>
internal sealed record LabelRestriction(bool MustBePresent, bool MustBeAbsent, string[]? OneOf);
