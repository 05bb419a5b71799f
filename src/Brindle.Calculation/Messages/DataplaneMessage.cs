namespace Brindle.Calculation.Messages;

/// <summary>
/// Base of every message from the calculation graph to the dataplane. Messages are immutable records with value
/// equality; the dataplane keeps the latest message per key and derives its whole desired state from them.
/// </summary>
/// <remarks>
/// Contract for producers (the calculation graph's event sequencer):
/// <list type="bullet">
/// <item>An <c>…Update</c> replaces everything previously sent for the same key (it is never a patch), except
///   <see cref="IPSetDeltaUpdate"/>, which patches a set sent earlier by <see cref="IPSetUpdate"/>.</item>
/// <item>Dependencies first: IP sets before the policies whose rules name them, policies and profiles before the
///   endpoints that list them; removals in the reverse order. The dataplane fails closed (drops the endpoint's
///   traffic) if an endpoint names a policy or profile it has not received.</item>
/// <item><see cref="InSync"/> is sent once, after the first complete snapshot. The dataplane removes kernel
///   objects left from an earlier run only after it.</item>
/// </list>
/// </remarks>
public abstract record DataplaneMessage;
