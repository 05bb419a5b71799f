namespace Brindle.Policy;

/// <summary>Keeps, incrementally, which selectors match which items (endpoints, network sets), and reports each change.</summary>
/// <remarks>
/// Inputs: selectors (<see cref="UpdateSelector"/>/<see cref="DeleteSelector"/>), items with their own labels and ordered
/// parent IDs (<see cref="UpdateItem"/>/<see cref="DeleteItem"/>), and parents' labels (<see cref="UpdateParentLabels"/>).
/// An item's effective labels are its own labels, then each parent's labels in order for keys not yet set (Calico's
/// rule: own labels win, then the first parent that has the key) — e.g. a workload endpoint over its namespace profile.
/// Outputs: <c>matchStarted(selector, item)</c> and <c>matchStopped(selector, item)</c>, stops before starts within one call.
/// Cost: each selector is indexed by the label key/values it requires (<see cref="LabelRestriction"/>). Items with
/// equal own labels and parents share a label class, and classes (not items) are indexed by their effective
/// key/values: a class's effective labels and matching selectors are computed once (until a parent's labels or any
/// selector change), an item change costs a class lookup plus the match diff, and a selector change evaluates the
/// selector once per class holding a value it requires. Neither depends on the total number of items or selectors,
/// and a snapshot of many replicas costs a few label evaluations per class.
/// Invariant: the reported match set always equals "selector.Matches(effective labels)" for every pair.
/// Not thread-safe; used from one calculation thread.
/// </remarks>
public sealed class LabelIndex<TSelectorId, TItemId>(Action<TSelectorId, TItemId> matchStarted, Action<TSelectorId, TItemId> matchStopped)
    where TSelectorId : notnull
    where TItemId : notnull
{
    private readonly Dictionary<TSelectorId, SelectorState> _selectors = [];
    private readonly Dictionary<TItemId, ItemState> _items = [];
    private readonly Dictionary<string, ParentState> _parents = new(StringComparer.Ordinal);
    private readonly KeyValueIndex<TSelectorId> _selectorsByValue = new();
    private readonly Dictionary<string, HashSet<TSelectorId>> _selectorsByKey = new(StringComparer.Ordinal);
    private readonly HashSet<TSelectorId> _unindexedSelectors = [];
    private readonly KeyValueIndex<LabelClass> _classesByValue = new();
    private readonly HashSet<TSelectorId> _candidateSelectors = [];
    private readonly List<LabelClass> _candidateClasses = [];
    private readonly Dictionary<ClassKey, LabelClass> _classes = [];
    private long _selectorsVersion;
    private long _parentsVersion;

    public int SelectorCount => _selectors.Count;

    public int ItemCount => _items.Count;

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
        _selectorsVersion++;
        existing.Selector = selector;
        existing.Plan = IndexPlan.For(selector);
        File(id, existing.Plan);

        // One evaluation per label class; its items share the result.
        var now = new HashSet<TItemId>();
        foreach (var labelClass in CandidateClasses(existing.Plan))
        {
            if (selector.Matches(labelClass.Indexed!)) now.UnionWith(labelClass.Items);
        }
        foreach (var itemId in existing.Matches.Where(i => !now.Contains(i)).ToList()) Stop(id, existing, itemId, _items[itemId]);
        foreach (var itemId in now.Where(i => !existing.Matches.Contains(i)).ToList()) Start(id, existing, itemId, _items[itemId]);
    }

    public void DeleteSelector(TSelectorId id)
    {
        if (!_selectors.TryGetValue(id, out var state)) return;
        _selectorsVersion++;
        foreach (var itemId in state.Matches.ToList()) Stop(id, state, itemId, _items[itemId]);
        Unfile(id, state.Plan);
        _selectors.Remove(id);
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
        if (!share || !ReferenceEquals(labels.Comparer, StringComparer.Ordinal)) labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        var parents = parentIds is null or { Count: 0 } ? [] : share && parentIds is string[] given ? given : parentIds.ToArray();
        if (!_items.TryGetValue(id, out var item))
        {
            item = new ItemState();
            _items[id] = item;
        }
        else
        {
            foreach (var parentId in item.Class!.Parents) ReleaseParent(parentId, id);
        }
        var key = new ClassKey(labels, parents);
        if (!_classes.TryGetValue(key, out var labelClass)) _classes[key] = labelClass = new LabelClass(labels, parents);
        if (!ReferenceEquals(item.Class, labelClass))
        {
            if (item.Class is { } old) ReleaseClass(old, id);
            labelClass.Items.Add(id);
            item.Class = labelClass;
        }
        foreach (var parentId in parents) Parent(parentId).Children.Add(id);
        Recalculate(id, item);
    }

    public void DeleteItem(TItemId id)
    {
        if (!_items.TryGetValue(id, out var item)) return;
        foreach (var selectorId in item.Matches.ToList()) Stop(selectorId, _selectors[selectorId], id, item);
        foreach (var parentId in item.Class!.Parents) ReleaseParent(parentId, id);
        ReleaseClass(item.Class, id);
        _items.Remove(id);
    }

    /// <summary>Sets a parent's labels (null = the parent is gone; its children then inherit nothing from it).</summary>
    public void UpdateParentLabels(string parentId, IReadOnlyDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(parentId);
        var parent = Parent(parentId);
        parent.Labels = labels is null ? null : new Dictionary<string, string>(labels, StringComparer.Ordinal);
        _parentsVersion++;
        foreach (var child in parent.Children.ToList()) Recalculate(child, _items[child]);
        if (parent.Labels is null && parent.Children.Count == 0) _parents.Remove(parentId);
    }

    public bool IsMatch(TSelectorId selectorId, TItemId itemId) =>
        _selectors.TryGetValue(selectorId, out var state) && state.Matches.Contains(itemId);

    /// <summary>The items a selector matches now (a live view; do not hold it across updates).</summary>
    public IReadOnlyCollection<TItemId> ItemsMatching(TSelectorId selectorId) =>
        _selectors.TryGetValue(selectorId, out var state) ? state.Matches : [];

    /// <summary>The selectors that match an item now (a live view; do not hold it across updates).</summary>
    public IReadOnlyCollection<TSelectorId> SelectorsMatching(TItemId itemId) =>
        _items.TryGetValue(itemId, out var item) ? item.Matches : [];

    /// <summary>The item's effective labels (own over inherited), or null if the item is unknown.</summary>
    public IReadOnlyDictionary<string, string>? EffectiveLabels(TItemId itemId) =>
        _items.TryGetValue(itemId, out var item) ? item.Effective : null;

    private void Recalculate(TItemId id, ItemState item)
    {
        var labelClass = item.Class!;
        var effective = EffectiveOf(labelClass);
        Refile(labelClass, effective);
        item.Effective = effective;

        var matching = MatchingOf(labelClass, effective);
        if (item.Matches.Count > 0)
        {
            foreach (var selectorId in item.Matches.ToList())
            {
                if (!matching.Contains(selectorId)) Stop(selectorId, _selectors[selectorId], id, item);
            }
        }
        foreach (var selectorId in matching)
        {
            if (!item.Matches.Contains(selectorId)) Start(selectorId, _selectors[selectorId], id, item);
        }
    }

    /// <summary>A class's effective labels, computed once per class until a parent's labels change.</summary>
    private Dictionary<string, string> EffectiveOf(LabelClass labelClass)
    {
        if (labelClass.Parents.Length == 0) return labelClass.Own;
        if (labelClass.Effective is { } cached && labelClass.EffectiveVersion == _parentsVersion) return cached;
        var inherited = 0;
        foreach (var parentId in labelClass.Parents) inherited += _parents[parentId].Labels?.Count ?? 0;
        var effective = new Dictionary<string, string>(labelClass.Own.Count + inherited, StringComparer.Ordinal);
        foreach (var (key, value) in labelClass.Own) effective[key] = value;
        foreach (var parentId in labelClass.Parents)
        {
            if (_parents[parentId].Labels is not { } labels) continue;
            foreach (var (key, value) in labels) effective.TryAdd(key, value);
        }
        // An unchanged result keeps the old object, so items of the class skip their index update.
        if (labelClass.Effective is { } previous && SameLabels(previous, effective)) effective = previous;
        labelClass.Effective = effective;
        labelClass.EffectiveVersion = _parentsVersion;
        return effective;
    }

    /// <summary>
    /// Every selector that matches these effective labels, computed once per class until a selector changes. Candidates:
    /// selectors filed under one of the labels' key/values or keys, and the unindexable ones; no other can match.
    /// </summary>
    private HashSet<TSelectorId> MatchingOf(LabelClass labelClass, Dictionary<string, string> effective)
    {
        if (labelClass.Matching is { } cached && labelClass.MatchingVersion == _selectorsVersion && ReferenceEquals(labelClass.MatchingEffective, effective)) return cached;
        _candidateSelectors.Clear();
        foreach (var (key, value) in effective)
        {
            if (_selectorsByValue.TryGet(key, value) is { } byValue) _candidateSelectors.UnionWith(byValue);
            if (_selectorsByKey.TryGetValue(key, out var byKey)) _candidateSelectors.UnionWith(byKey);
        }
        _candidateSelectors.UnionWith(_unindexedSelectors);
        var matching = new HashSet<TSelectorId>();
        foreach (var selectorId in _candidateSelectors)
        {
            if (_selectors[selectorId].Selector.Matches(effective)) matching.Add(selectorId);
        }
        labelClass.Matching = matching;
        labelClass.MatchingVersion = _selectorsVersion;
        labelClass.MatchingEffective = effective;
        return matching;
    }

    private static bool SameLabels(Dictionary<string, string> a, Dictionary<string, string> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>Files a class under its (new) effective labels' key/values: the index is per class, not per item.</summary>
    private void Refile(LabelClass labelClass, Dictionary<string, string> effective)
    {
        if (ReferenceEquals(labelClass.Indexed, effective)) return;
        if (labelClass.Indexed is { } old)
        {
            foreach (var (key, value) in old)
            {
                if (!effective.TryGetValue(key, out var v) || !string.Equals(v, value, StringComparison.Ordinal)) _classesByValue.Remove(key, value, labelClass);
            }
        }
        foreach (var (key, value) in effective)
        {
            if (labelClass.Indexed is null || !labelClass.Indexed.TryGetValue(key, out var v) || !string.Equals(v, value, StringComparison.Ordinal)) _classesByValue.Add(key, value, labelClass);
        }
        labelClass.Indexed = effective;
    }

    private void ReleaseClass(LabelClass labelClass, TItemId item)
    {
        labelClass.Items.Remove(item);
        if (labelClass.Items.Count > 0) return;
        if (labelClass.Indexed is { } indexed)
        {
            foreach (var (key, value) in indexed) _classesByValue.Remove(key, value, labelClass);
        }
        _classes.Remove(new ClassKey(labelClass.Own, labelClass.Parents));
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

    private void ReleaseParent(string parentId, TItemId child)
    {
        var parent = _parents[parentId];
        parent.Children.Remove(child);
        if (parent.Labels is null && parent.Children.Count == 0) _parents.Remove(parentId);
    }

    private void Start(TSelectorId selectorId, SelectorState state, TItemId itemId, ItemState item)
    {
        state.Matches.Add(itemId);
        item.Matches.Add(selectorId);
        matchStarted(selectorId, itemId);
    }

    private void Stop(TSelectorId selectorId, SelectorState state, TItemId itemId, ItemState item)
    {
        state.Matches.Remove(itemId);
        item.Matches.Remove(selectorId);
        matchStopped(selectorId, itemId);
    }

    private sealed class SelectorState
    {
        public Selector Selector { get; set; } = Selector.All;

        public IndexPlan Plan { get; set; } = IndexPlan.Never;

        public HashSet<TItemId> Matches { get; } = [];
    }

    private sealed class ItemState
    {
        public LabelClass? Class { get; set; }

        public Dictionary<string, string> Effective { get; set; } = [];

        public HashSet<TSelectorId> Matches { get; } = [];
    }

    /// <summary>
    /// Items with equal own labels and parents (typically the replicas of one workload) share a class: its effective
    /// labels and the selectors they match are computed once for all of them.
    /// </summary>
    private sealed class LabelClass(Dictionary<string, string> own, string[] parents)
    {
        public Dictionary<string, string> Own { get; } = own;

        public string[] Parents { get; } = parents;

        /// <summary>The items in this class (never empty while the class is known).</summary>
        public HashSet<TItemId> Items { get; } = [];

        /// <summary>The effective labels the class is filed under in the value index (those of its items now).</summary>
        public Dictionary<string, string>? Indexed { get; set; }

        public Dictionary<string, string>? Effective { get; set; }

        public long EffectiveVersion { get; set; } = -1;

        public HashSet<TSelectorId>? Matching { get; set; }

        public long MatchingVersion { get; set; } = -1;

        public Dictionary<string, string>? MatchingEffective { get; set; }
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
            _hash == other._hash && Parents.AsSpan().SequenceEqual(other.Parents) && (ReferenceEquals(Own, other.Own) || SameLabels(Own, other.Own));

        public override bool Equals(object? obj) => obj is ClassKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }

    private sealed class ParentState
    {
        public Dictionary<string, string>? Labels { get; set; }

        public HashSet<TItemId> Children { get; } = [];
    }
}
