using Brindle.Calculation.Messages;

namespace Brindle.Calculation;

/// <summary>
/// What the graph last sent for each key of one output kind, so that a flush sends only real changes: an update when the
/// desired message differs from the one sent, a remove when nothing is desired any more. When a key's identity changes
/// (a policy moved to another tier, a workload id changed) the new update is sent and the old object's remove is queued,
/// so the caller can emit removals after the updates that stop referencing them.
/// </summary>
internal sealed class OutputState<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, (DataplaneMessage Update, DataplaneMessage Remove)> _sent = [];

    public int Count => _sent.Count;

    public void Reconcile(TKey key, (DataplaneMessage Update, DataplaneMessage Remove)? desired, List<DataplaneMessage> updates, List<DataplaneMessage> removes)
    {
        var had = _sent.TryGetValue(key, out var sent);
        if (desired is not { } wanted)
        {
            if (!had) return;
            removes.Add(sent.Remove);
            _sent.Remove(key);
            return;
        }
        if (had && sent.Update.Equals(wanted.Update)) return;
        updates.Add(wanted.Update);
        if (had && !sent.Remove.Equals(wanted.Remove)) removes.Add(sent.Remove);
        _sent[key] = wanted;
    }
}
