using System.Runtime.InteropServices;

namespace Brindle.Policy;

/// <summary>Keeps, incrementally, which selectors match which items (endpoints, network sets), and reports each change.</summary>
/// <remarks>
/// Inputs: selectors (<see cref="UpdateSelector"/>/<see cref="DeleteSelector"/>), items with their own labels and ordered
/// parent IDs (<see cref="UpdateItem(TItemId, IReadOnlyDictionary{string, string}, IReadOnlyList{string}?)"/>/<see cref="DeleteItem"/>),
/// and parents' labels (<see cref="UpdateParentLabels"/>).
/// An item's effective labels are its own labels, then each parent's labels in order for keys not yet set (Calico's
/// rule: own labels win, then the first parent that has the key) — e.g. a workload endpoint over its namespace profile.
/// Outputs: <c>matchStarted(selector, item)</c> and <c>matchStopped(selector, item)</c>, stops before starts within one
/// call (per label class). During a callback, <see cref="ItemsMatching"/> and <see cref="SelectorsMatching"/> already
/// show the change being reported (and possibly others of the same call). A callback must not change this index.
/// Structure: items with equal own labels and parents share a <see cref="LabelClass"/>, which holds the state: its
/// effective labels and the selectors matching them, kept current eagerly (on every selector and parent-label change).
/// An item is only its class and its position in the class's item list; a selector holds the classes it matches. The value index files classes
/// (not items) by their effective key/values, and selectors by the key/values they require (<see cref="LabelRestriction"/>).
/// Cost: an item change is a class lookup by content, plus (when it moves between classes) the match diff of the two
/// classes; a new class evaluates its candidate selectors once; a selector change evaluates the selector once per
/// candidate class; a parent-label change re-evaluates the classes under that parent. None depends on the total number
/// of items or selectors, and a snapshot of many replicas costs a few label evaluations per class.
/// Invariants: every item is in exactly one class and every class holds at least one item; a class is in a selector's
/// class set exactly when the selector is in the class's match set, exactly when the selector matches the class's
/// effective labels; so the reported match set always equals "selector.Matches(effective labels)" for every pair.
/// Not thread-safe; used from one calculation thread.
/// </remarks>
public sealed class LabelIndex<TSelectorId, TItemId>(Action<TSelectorId, TItemId> matchStarted, Action<TSelectorId, TItemId> matchStopped)
    where TSelectorId : notnull
    where TItemId : notnull
{
    private readonly Dictionary<TSelectorId, SelectorState> _selectors = [];
    private readonly Dictionary<TItemId, ItemSlot> _items = [];
    private readonly Dictionary<string, ParentState> _parents = new(StringComparer.Ordinal);
    private readonly KeyValueIndex<TSelectorId> _selectorsByValue = new();
    private readonly Dictionary<string, HashSet<TSelectorId>> _selectorsByKey = new(StringComparer.Ordinal);
    private readonly HashSet<TSelectorId> _unindexedSelectors = [];
    private readonly KeyValueIndex<LabelClass> _classesByValue = new();
    private readonly HashSet<TSelectorId> _candidateSelectors = [];
    private readonly List<LabelClass> _candidateClasses = [];
    private readonly Dictionary<ClassKey, LabelClass> _classes = [];
    private readonly Dictionary<(Dictionary<string, string>, string[]), LabelClass> _classesByReference = new(ReferencePairComparer.Instance);
    private readonly List<(TSelectorId, SelectorState)> _matching = [];
    private int _nextClassNumber;

    public int SelectorCount => _selectors.Count;

    public int ItemCount => _items.Count;

    /// <summary>Label classes held (items with equal own labels and parents share one).</summary>
    public int ClassCount => _classes.Count;

    /// <summary>Adds or replaces a selector; a replacement with an equal selector does nothing.</summary>
    public void UpdateSelector(TSelectorId id, Selector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (_selectors.TryGetValue(id, out var existing))
        {
            if (existing.Selector.Equals(selector)) return;
            Unfile(id, existing.Plan);
        }
        else
        {
            existing = new SelectorState();
            _selectors[id] = existing;
        }
        existing.Selector = selector;
        existing.Plan = IndexPlan.For(selector);
        File(id, existing.Plan);

        // One evaluation per candidate class; its items share the result.
        var now = new HashSet<LabelClass>();
        foreach (var labelClass in CandidateClasses(existing.Plan))
        {
            if (selector.Matches(labelClass.Effective)) now.Add(labelClass);
        }
        var stopped = new List<LabelClass>();
        foreach (var labelClass in existing.Classes)
        {
            if (!now.Contains(labelClass)) stopped.Add(labelClass);
        }
        var started = new List<LabelClass>();
        foreach (var labelClass in now)
        {
            if (!existing.Classes.Contains(labelClass)) started.Add(labelClass);
        }
        foreach (var labelClass in stopped) Unlink(id, existing, labelClass);
        foreach (var labelClass in stopped) StopAll(id, labelClass);
        foreach (var labelClass in started) Link(id, existing, labelClass);
        foreach (var labelClass in started) StartAll(id, labelClass);
    }

    public void DeleteSelector(TSelectorId id)
    {
        if (!_selectors.TryGetValue(id, out var state)) return;
        var stopped = state.Classes.ToList();
        foreach (var labelClass in stopped) Unlink(id, state, labelClass);
        Unfile(id, state.Plan);
        _selectors.Remove(id);
        foreach (var labelClass in stopped) StopAll(id, labelClass);
    }

    /// <summary>Adds or replaces an item with its own labels and its parents (in priority order), e.g. profile names.</summary>
    public void UpdateItem(TItemId id, IReadOnlyDictionary<string, string> labels, IReadOnlyList<string>? parentIds = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        UpdateItem(id, new Dictionary<string, string>(labels, StringComparer.Ordinal), parentIds, share: true);
    }

    /// <summary>
    /// As <see cref="UpdateItem(TItemId, IReadOnlyDictionary{string, string}, IReadOnlyList{string}?)"/>, keeping
    /// <paramref name="labels"/> (and <paramref name="parentIds"/> when it is an array) itself instead of a copy: the
    /// caller must never change them afterwards (it may hand the same objects to several indexes or items). Saves the
    /// copies per item on large snapshots.
    /// </summary>
    public void UpdateItem(TItemId id, Dictionary<string, string> labels, IReadOnlyList<string>? parentIds, bool share)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var shared = share && ReferenceEquals(labels.Comparer, StringComparer.Ordinal);
        if (!shared) labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        var parents = parentIds is null or { Count: 0 } ? [] : share && parentIds is string[] given ? given : parentIds.ToArray();
        // The very objects a class was made from find it without reading the labels (callers that share label
        // dictionaries between equal items); otherwise the class is found by content.
        if (!shared || !_classesByReference.TryGetValue((labels, parents), out var labelClass))
        {
            var key = new ClassKey(labels, parents);
            if (!_classes.TryGetValue(key, out labelClass)) labelClass = NewClass(key, byReference: shared);
        }
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_items, id, out _);
        var (old, oldPosition) = (slot.Class, slot.Position);
        if (ReferenceEquals(old, labelClass)) return;   // same labels and parents: the class is current already
        slot = new ItemSlot(labelClass, labelClass.Items.Count);
        labelClass.Items.Add(id);
        if (old is null)
        {
            foreach (var selectorId in labelClass.Matches.Keys) matchStarted(selectorId, id);
            return;
        }
        // The item moves from one class to another: only the selectors the two classes disagree on change.
        RemoveFromClass(old, oldPosition);
        var stopped = Except(old.Matches, labelClass.Matches);
        var started = Except(labelClass.Matches, old.Matches);
        if (old.Items.Count == 0) RemoveClass(old);
        foreach (var selectorId in stopped) matchStopped(selectorId, id);
        foreach (var selectorId in started) matchStarted(selectorId, id);
    }

    public void DeleteItem(TItemId id)
    {
        if (!_items.Remove(id, out var slot)) return;
        var labelClass = slot.Class!;
        RemoveFromClass(labelClass, slot.Position);
        var stopped = labelClass.Matches.Keys.ToList();
        if (labelClass.Items.Count == 0) RemoveClass(labelClass);
        foreach (var selectorId in stopped) matchStopped(selectorId, id);
    }

    /// <summary>Sets a parent's labels (null = the parent is gone; its children then inherit nothing from it).</summary>
    public void UpdateParentLabels(string parentId, IReadOnlyDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(parentId);
        var parent = Parent(parentId);
        parent.Labels = labels is null ? null : new Dictionary<string, string>(labels, StringComparer.Ordinal);
        foreach (var child in parent.Children.ToList()) Recalculate(child);
        if (parent.Labels is null && parent.Children.Count == 0) _parents.Remove(parentId);
    }

    public bool IsMatch(TSelectorId selectorId, TItemId itemId) =>
        _items.TryGetValue(itemId, out var slot) && slot.Class!.Matches.ContainsKey(selectorId);

    /// <summary>The items a selector matches now (a live view; do not hold it across updates). Its count sums the matching classes' sizes.</summary>
    public IReadOnlyCollection<TItemId> ItemsMatching(TSelectorId selectorId) =>
        _selectors.TryGetValue(selectorId, out var state) ? state.Items : [];

    /// <summary>The selectors that match an item now: its class's set (a live view; do not hold it across updates).</summary>
    public IReadOnlyCollection<TSelectorId> SelectorsMatching(TItemId itemId) =>
        _items.TryGetValue(itemId, out var slot) ? slot.Class!.Matches.Keys : [];

    /// <summary>The item's effective labels (own over inherited), or null if the item is unknown.</summary>
    public IReadOnlyDictionary<string, string>? EffectiveLabels(TItemId itemId) =>
        _items.TryGetValue(itemId, out var slot) ? slot.Class!.Effective : null;

    /// <summary>A class for labels and parents no item had: filed, under its parents, and matched against the candidate selectors.</summary>
    private LabelClass NewClass(ClassKey key, bool byReference)
    {
        foreach (var parentId in key.Parents) Parent(parentId);
        var effective = EffectiveOf(key);
        var matching = MatchingOf(effective);
        var labelClass = new LabelClass(key, _nextClassNumber++, effective, matching.Count) { ByReference = byReference };
        _classes[key] = labelClass;
        // Only objects the caller shares can come back (a copy made here never does).
        if (byReference) _classesByReference[(key.Own, key.Parents)] = labelClass;
        foreach (var parentId in key.Parents) _parents[parentId].Children.Add(labelClass);
        Refile(labelClass, null, effective);
        foreach (var (selectorId, state) in matching) Link(selectorId, state, labelClass);
        return labelClass;
    }

    /// <summary>Takes the item at <paramref name="position"/> out of the class: the class's last item fills its place.</summary>
    private void RemoveFromClass(LabelClass labelClass, int position)
    {
        var items = labelClass.Items;
        var last = items.Count - 1;
        if (position != last)
        {
            var moved = items[last];
            items[position] = moved;
            CollectionsMarshal.GetValueRefOrNullRef(_items, moved).Position = position;
        }
        items.RemoveAt(last);
    }

    /// <summary>The last item left the class: nothing refers to it any more.</summary>
    private void RemoveClass(LabelClass labelClass)
    {
        foreach (var state in labelClass.Matches.Values) state.Classes.Remove(labelClass);
        labelClass.Matches.Clear();
        foreach (var (key, value) in labelClass.Effective) _classesByValue.Remove(key, value, labelClass);
        foreach (var parentId in labelClass.Key.Parents)
        {
            var parent = _parents[parentId];
            parent.Children.Remove(labelClass);
            if (parent.Labels is null && parent.Children.Count == 0) _parents.Remove(parentId);
        }
        _classes.Remove(labelClass.Key);
        if (labelClass.ByReference) _classesByReference.Remove((labelClass.Key.Own, labelClass.Key.Parents));
    }

    /// <summary>A parent's labels changed: the class's effective labels and matches follow, for all its items at once.</summary>
    private void Recalculate(LabelClass labelClass)
    {
        var effective = EffectiveOf(labelClass.Key);
        if (SameLabels(effective, labelClass.Effective)) return;
        Refile(labelClass, labelClass.Effective, effective);
        labelClass.Effective = effective;
        var matching = MatchingOf(effective);
        var now = matching.ToDictionary(p => p.Id, p => p.State);
        var stopped = Except(labelClass.Matches, now);
        var started = Except(now, labelClass.Matches);
        foreach (var selectorId in stopped) Unlink(selectorId, labelClass.Matches[selectorId], labelClass);
        foreach (var selectorId in started) Link(selectorId, now[selectorId], labelClass);
        foreach (var selectorId in stopped) StopAll(selectorId, labelClass);
        foreach (var selectorId in started) StartAll(selectorId, labelClass);
    }

    /// <summary>Own labels, then each parent's in order for keys not yet set; the own dictionary itself when there are no parents.</summary>
    private Dictionary<string, string> EffectiveOf(ClassKey classKey)
    {
        var own = classKey.Own;
        if (classKey.Parents.Length == 0) return own;
        var inherited = 0;
        foreach (var parentId in classKey.Parents) inherited += _parents[parentId].Labels?.Count ?? 0;
        if (inherited == 0) return own;
        var effective = new Dictionary<string, string>(own.Count + inherited, StringComparer.Ordinal);
        foreach (var (key, value) in own) effective[key] = value;
        foreach (var parentId in classKey.Parents)
        {
            if (_parents[parentId].Labels is not { } labels) continue;
            foreach (var (key, value) in labels) effective.TryAdd(key, value);
        }
        return effective;
    }

    /// <summary>
    /// Every selector that matches these effective labels. Candidates: selectors filed under one of the labels'
    /// key/values or keys, and the unindexable ones; no other can match. The result is a scratch list, valid until the next call.
    /// </summary>
    private List<(TSelectorId Id, SelectorState State)> MatchingOf(Dictionary<string, string> effective)
    {
        _candidateSelectors.Clear();
        foreach (var (key, value) in effective)
        {
            if (_selectorsByValue.TryGet(key, value) is { } byValue) _candidateSelectors.UnionWith(byValue);
            if (_selectorsByKey.TryGetValue(key, out var byKey)) _candidateSelectors.UnionWith(byKey);
        }
        _candidateSelectors.UnionWith(_unindexedSelectors);
        var matching = _matching;
        matching.Clear();
        foreach (var selectorId in _candidateSelectors)
        {
            var state = _selectors[selectorId];
            if (state.Selector.Matches(effective)) matching.Add((selectorId, state));
        }
        return matching;
    }

    private static bool SameLabels(Dictionary<string, string> a, Dictionary<string, string> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>Files a class under its (new) effective labels' key/values: the index is per class, not per item.</summary>
    private void Refile(LabelClass labelClass, Dictionary<string, string>? old, Dictionary<string, string> effective)
    {
        if (old is not null)
        {
            foreach (var (key, value) in old)
            {
                if (!effective.TryGetValue(key, out var v) || !string.Equals(v, value, StringComparison.Ordinal)) _classesByValue.Remove(key, value, labelClass);
            }
        }
        foreach (var (key, value) in effective)
        {
            if (old is null || !old.TryGetValue(key, out var v) || !string.Equals(v, value, StringComparison.Ordinal)) _classesByValue.Add(key, value, labelClass);
        }
    }

    private List<LabelClass> CandidateClasses(IndexPlan plan)
    {
        _candidateClasses.Clear();
        switch (plan.Kind)
        {
            case IndexPlanKind.Values:
                foreach (var value in plan.Values!)
                {
                    if (_classesByValue.TryGet(plan.Key!, value) is { } classes) _candidateClasses.AddRange(classes);
                }
                break;
            case IndexPlanKind.Key:
                foreach (var classes in _classesByValue.ValuesOf(plan.Key!)) _candidateClasses.AddRange(classes);
                break;
            case IndexPlanKind.Unindexed:
                _candidateClasses.AddRange(_classes.Values);
                break;
        }
        return _candidateClasses;
    }

    private void File(TSelectorId id, IndexPlan plan)
    {
        switch (plan.Kind)
        {
            case IndexPlanKind.Values:
                foreach (var value in plan.Values!) _selectorsByValue.Add(plan.Key!, value, id);
                break;
            case IndexPlanKind.Key:
                if (!_selectorsByKey.TryGetValue(plan.Key!, out var set)) _selectorsByKey[plan.Key!] = set = [];
                set.Add(id);
                break;
            case IndexPlanKind.Unindexed:
                _unindexedSelectors.Add(id);
                break;
        }
    }

    private void Unfile(TSelectorId id, IndexPlan plan)
    {
        switch (plan.Kind)
        {
            case IndexPlanKind.Values:
                foreach (var value in plan.Values!) _selectorsByValue.Remove(plan.Key!, value, id);
                break;
            case IndexPlanKind.Key:
                var set = _selectorsByKey[plan.Key!];
                set.Remove(id);
                if (set.Count == 0) _selectorsByKey.Remove(plan.Key!);
                break;
            case IndexPlanKind.Unindexed:
                _unindexedSelectors.Remove(id);
                break;
        }
    }

    private ParentState Parent(string parentId)
    {
        if (!_parents.TryGetValue(parentId, out var parent)) _parents[parentId] = parent = new ParentState();
        return parent;
    }

    /// <summary>Records that the selector matches the class (both directions), before its items are reported.</summary>
    private static void Link(TSelectorId selectorId, SelectorState state, LabelClass labelClass)
    {
        state.Classes.Add(labelClass);
        labelClass.Matches.Add(selectorId, state);
    }

    private static void Unlink(TSelectorId selectorId, SelectorState state, LabelClass labelClass)
    {
        state.Classes.Remove(labelClass);
        labelClass.Matches.Remove(selectorId);
    }

    /// <summary>The selectors of <paramref name="a"/> that <paramref name="b"/> does not hold.</summary>
    private static List<TSelectorId> Except(Dictionary<TSelectorId, SelectorState> a, Dictionary<TSelectorId, SelectorState> b)
    {
        var result = new List<TSelectorId>();
        foreach (var selectorId in a.Keys)
        {
            if (!b.ContainsKey(selectorId)) result.Add(selectorId);
        }
        return result;
    }

    private void StartAll(TSelectorId selectorId, LabelClass labelClass)
    {
        foreach (var itemId in labelClass.Items) matchStarted(selectorId, itemId);
    }

    private void StopAll(TSelectorId selectorId, LabelClass labelClass)
    {
        foreach (var itemId in labelClass.Items) matchStopped(selectorId, itemId);
    }

    private sealed class SelectorState
    {
        public SelectorState() => Items = new MatchingItems(Classes);

        public Selector Selector { get; set; } = Selector.All;

        public IndexPlan Plan { get; set; } = IndexPlan.Never;

        /// <summary>The classes whose effective labels the selector matches (each holds this selector in its <see cref="LabelClass.Matches"/>).</summary>
        public HashSet<LabelClass> Classes { get; } = [];

        public MatchingItems Items { get; }
    }

    /// <summary>A selector's items: those of its classes (a view; counting it walks the classes, not the items).</summary>
    private sealed class MatchingItems(HashSet<LabelClass> classes) : IReadOnlyCollection<TItemId>
    {
        public int Count
        {
            get
            {
                var count = 0;
                foreach (var labelClass in classes) count += labelClass.Items.Count;
                return count;
            }
        }

        public IEnumerator<TItemId> GetEnumerator()
        {
            foreach (var labelClass in classes)
            {
                foreach (var itemId in labelClass.Items) yield return itemId;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Items with equal own labels and parents (typically the replicas of one workload) share a class: its effective
    /// labels and the selectors they match are kept once for all of them, and are current after every public call.
    /// </summary>
    private sealed class LabelClass(ClassKey key, int number, Dictionary<string, string> effective, int matches)
    {
        /// <summary>Own labels and parents (the content every item of the class has).</summary>
        public ClassKey Key { get; } = key;

        /// <summary>
        /// The items in this class (never empty while the class is known), each at the position its
        /// <see cref="ItemSlot"/> records: adding and removing one costs no hashing.
        /// </summary>
        public List<TItemId> Items { get; } = [];

        /// <summary>Own labels over the parents' (the own dictionary itself when nothing is inherited); the class is filed under these.</summary>
        public Dictionary<string, string> Effective { get; set; } = effective;

        /// <summary>The selectors matching <see cref="Effective"/> (each holds this class in its <see cref="SelectorState.Classes"/>).</summary>
        public Dictionary<TSelectorId, SelectorState> Matches { get; } = new(matches);

        /// <summary>Whether the class can be found by the identity of its own labels and parents (they were the caller's, shared).</summary>
        public bool ByReference { get; init; }

        /// <summary>Identity: a class is only ever equal to itself; hashing its number is cheaper than the object's identity hash.</summary>
        public override int GetHashCode() => number;
    }

    /// <summary>Content equality of own labels and (ordered) parents.</summary>
    private readonly struct ClassKey : IEquatable<ClassKey>
    {
        private readonly int _hash;

        public ClassKey(Dictionary<string, string> own, string[] parents)
        {
            Own = own;
            Parents = parents;
            var labels = 0;
            foreach (var (key, value) in own) labels ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), StringComparer.Ordinal.GetHashCode(value));
            var hash = new HashCode();
            hash.Add(labels);
            foreach (var parent in parents) hash.Add(parent, StringComparer.Ordinal);
            _hash = hash.ToHashCode();
        }

        public Dictionary<string, string> Own { get; }

        public string[] Parents { get; }

        public bool Equals(ClassKey other) =>
            _hash == other._hash && Parents.AsSpan().SequenceEqual(other.Parents) && SameLabels(Own, other.Own);

        public override bool Equals(object? obj) => obj is ClassKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }

    /// <summary>An item's class and its position in the class's item list (null class: not yet placed).</summary>
    private struct ItemSlot(LabelClass? labelClass, int position)
    {
        public LabelClass? Class { get; } = labelClass;

        public int Position { get; set; } = position;
    }

    /// <summary>Identity of the own-labels dictionary and parents array a class was made from.</summary>
    private sealed class ReferencePairComparer : IEqualityComparer<(Dictionary<string, string> Own, string[] Parents)>
    {
        public static readonly ReferencePairComparer Instance = new();

        public bool Equals((Dictionary<string, string> Own, string[] Parents) x, (Dictionary<string, string> Own, string[] Parents) y) =>
            ReferenceEquals(x.Own, y.Own) && ReferenceEquals(x.Parents, y.Parents);

        public int GetHashCode((Dictionary<string, string> Own, string[] Parents) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Own), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Parents));
    }

    private sealed class ParentState
    {
        public Dictionary<string, string>? Labels { get; set; }

        /// <summary>The classes that list this parent.</summary>
        public HashSet<LabelClass> Children { get; } = [];
    }
}
