using CsCheck;

namespace Brindle.Policy.Index.Tests;

public sealed class LabelIndexTests
{
    /// <summary>Records callbacks and fails on contract violations (a start for a pair already matching, a stop for one not matching).</summary>
    private sealed class MatchRecorder
    {
        public HashSet<(string Selector, string Item)> Matches { get; } = [];

        public List<string> Events { get; } = [];

        public LabelIndex<string, string> CreateIndex() => new(
            (s, i) =>
            {
                Assert.True(Matches.Add((s, i)), $"duplicate start {s}/{i}");
                Events.Add($"+{s}/{i}");
            },
            (s, i) =>
            {
                Assert.True(Matches.Remove((s, i)), $"stop without start {s}/{i}");
                Events.Add($"-{s}/{i}");
            });
    }

    private static Dictionary<string, string> L(params string[] pairs) => pairs.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void UpdateItem_LabelChange_StartsAndStopsMatches()
    {
        var recorder = new MatchRecorder();
        var index = recorder.CreateIndex();
        index.UpdateSelector("web", Selector.Parse("app == 'web'"));
        index.UpdateSelector("not-db", Selector.Parse("app != 'db'"));
        index.UpdateItem("ep1", L("app=web"));
        Assert.Equal(["+web/ep1", "+not-db/ep1"], recorder.Events.Order(StringComparer.Ordinal).Reverse());
        recorder.Events.Clear();
        index.UpdateItem("ep1", L("app=db"));
        Assert.Equal(["-not-db/ep1", "-web/ep1"], recorder.Events.Order(StringComparer.Ordinal));
        Assert.Empty(index.SelectorsMatching("ep1"));
    }

    [Fact]
    public void UpdateParentLabels_InheritedLabel_OwnLabelWinsThenFirstParent()
    {
        var recorder = new MatchRecorder();
        var index = recorder.CreateIndex();
        index.UpdateSelector("ns-prod", Selector.Parse("env == 'prod'"));
        index.UpdateItem("ep1", L("app=web"), ["kns.a", "kns.b"]);
        index.UpdateParentLabels("kns.b", L("env=prod"));
        Assert.True(index.IsMatch("ns-prod", "ep1"));
        index.UpdateParentLabels("kns.a", L("env=dev"));
        Assert.False(index.IsMatch("ns-prod", "ep1"));
        index.UpdateItem("ep1", L("app=web", "env=prod"), ["kns.a", "kns.b"]);
        Assert.True(index.IsMatch("ns-prod", "ep1"));
        Assert.Equal("prod", index.EffectiveLabels("ep1")!["env"]);
        index.UpdateItem("ep1", L("app=web"), ["kns.a", "kns.b"]);
        index.UpdateParentLabels("kns.a", null);
        Assert.True(index.IsMatch("ns-prod", "ep1"));
    }

    [Fact]
    public void UpdateSelector_SameSelectorAgain_NoEvents()
    {
        var recorder = new MatchRecorder();
        var index = recorder.CreateIndex();
        index.UpdateItem("ep1", L("a=1"));
        index.UpdateSelector("s", Selector.Parse("a == '1'"));
        recorder.Events.Clear();
        index.UpdateSelector("s", Selector.Parse("a=='1'"));
        Assert.Empty(recorder.Events);
    }

    [Fact]
    public void DeleteItemAndSelector_StopsEveryMatch()
    {
        var recorder = new MatchRecorder();
        var index = recorder.CreateIndex();
        index.UpdateSelector("all", Selector.All);
        index.UpdateSelector("has-a", Selector.Parse("has(a)"));
        index.UpdateItem("ep1", L("a=1"));
        index.UpdateItem("ep2", L("b=1"));
        index.DeleteItem("ep1");
        Assert.Equal([("all", "ep2")], recorder.Matches);
        index.DeleteSelector("all");
        Assert.Empty(recorder.Matches);
        Assert.Equal(1, index.SelectorCount);
        Assert.Equal(1, index.ItemCount);
    }

    // Random operations over a small universe, compared after every step with a brute-force model.
    private abstract record Op;
    private sealed record SetSelector(int Id, string Text) : Op;
    private sealed record RemoveSelector(int Id) : Op;
    private sealed record SetItem(int Id, (string, string)[] Labels, int[] Parents) : Op;
    private sealed record RemoveItem(int Id) : Op;
    private sealed record SetParent(int Id, (string, string)[]? Labels) : Op;

    private static readonly string[] Keys = ["a", "b", "c"];
    private static readonly string[] Values = ["1", "2", "3"];
    private static readonly string[] SelectorTexts =
    [
        "all()", "a == '1'", "a != '1'", "has(b)", "!has(b)", "a in {'1', '2'}", "a not in {'2'}", "b contains '2'",
        "a == '1' && b == '2'", "a == '1' || b == '2'", "a == '1' || a == '3'", "(a == '1' || has(b)) && c != '3'",
        "!(a == '2')", "a == '1' && a == '2'", "has(c) && !has(c)", "c starts with '1' || c ends with '3'",
    ];

    private static Gen<(string, string)[]> LabelGen => Gen.Select(Gen.OneOf(Keys), Gen.OneOf(Values)).Array[0, 3];

    private static Gen<Op> OpGen => Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, 5], Gen.OneOf(SelectorTexts), (id, text) => (Op)new SetSelector(id, text))),
        (1, Gen.Int[0, 5].Select(id => (Op)new RemoveSelector(id))),
        (5, Gen.Select(Gen.Int[0, 7], LabelGen, Gen.Int[0, 2].Array[0, 2], (id, labels, parents) => (Op)new SetItem(id, labels, parents))),
        (1, Gen.Int[0, 7].Select(id => (Op)new RemoveItem(id))),
        (3, Gen.Select(Gen.Int[0, 2], LabelGen, Gen.Bool, (id, labels, delete) => (Op)new SetParent(id, delete ? null : labels))));

    private static Dictionary<string, string> Dict((string, string)[] pairs)
    {
        var d = new Dictionary<string, string>();
        foreach (var (k, v) in pairs) d[k] = v;
        return d;
    }

    [Fact]
    public void RandomOperations_SameMatchesAsBruteForce()
    {
        OpGen.Array[1, 60].Sample(ops =>
        {
            var recorder = new MatchRecorder();
            var index = recorder.CreateIndex();
            var selectors = new Dictionary<string, Selector>();
            var items = new Dictionary<string, (Dictionary<string, string> Labels, string[] Parents)>();
            var parents = new Dictionary<string, Dictionary<string, string>>();
            var shared = new Dictionary<string, (Dictionary<string, string> Labels, string[] Parents)>();
            foreach (var op in ops)
            {
                switch (op)
                {
                    case SetSelector s:
                        selectors[$"s{s.Id}"] = Selector.Parse(s.Text);
                        index.UpdateSelector($"s{s.Id}", Selector.Parse(s.Text));
                        break;
                    case RemoveSelector s:
                        selectors.Remove($"s{s.Id}");
                        index.DeleteSelector($"s{s.Id}");
                        break;
                    case SetItem i:
                        var parentIds = i.Parents.Distinct().Select(p => $"p{p}").ToArray();
                        items[$"i{i.Id}"] = (Dict(i.Labels), parentIds);
                        if (i.Id % 2 == 0)
                        {
                            index.UpdateItem($"i{i.Id}", Dict(i.Labels), parentIds);
                        }
                        else
                        {
                            // Shared objects per content (as the graph hands them): classes found by reference.
                            var content = string.Join(",", Dict(i.Labels).OrderBy(kv => kv.Key)) + "|" + string.Join(",", parentIds);
                            if (!shared.TryGetValue(content, out var objects)) shared[content] = objects = (new Dictionary<string, string>(Dict(i.Labels), StringComparer.Ordinal), parentIds);
                            index.UpdateItem($"i{i.Id}", objects.Labels, objects.Parents, share: true);
                        }
                        break;
                    case RemoveItem i:
                        items.Remove($"i{i.Id}");
                        index.DeleteItem($"i{i.Id}");
                        break;
                    case SetParent p:
                        if (p.Labels is null) parents.Remove($"p{p.Id}");
                        else parents[$"p{p.Id}"] = Dict(p.Labels);
                        index.UpdateParentLabels($"p{p.Id}", p.Labels is null ? null : Dict(p.Labels));
                        break;
                }
                var expected = new HashSet<(string, string)>();
                foreach (var (itemId, item) in items)
                {
                    var effective = new Dictionary<string, string>(item.Labels);
                    foreach (var parentId in item.Parents)
                    {
                        if (!parents.TryGetValue(parentId, out var labels)) continue;
                        foreach (var (k, v) in labels) effective.TryAdd(k, v);
                    }
                    Assert.Equal(effective.OrderBy(kv => kv.Key), index.EffectiveLabels(itemId)!.OrderBy(kv => kv.Key));
                    foreach (var (selectorId, selector) in selectors)
                    {
                        if (selector.Matches(effective)) expected.Add((selectorId, itemId));
                    }
                }
                Assert.True(expected.SetEquals(recorder.Matches), $"after {op}: expected {string.Join(",", expected)} got {string.Join(",", recorder.Matches)}");
                foreach (var (selectorId, itemId) in expected) Assert.True(index.IsMatch(selectorId, itemId));
                // The views: exactly the expected pairs, with counts that agree (items share their class's sets).
                foreach (var selectorId in selectors.Keys)
                {
                    var view = index.ItemsMatching(selectorId);
                    Assert.Equal(expected.Where(p => p.Item1 == selectorId).Select(p => p.Item2).Order(), view.Order());
                    Assert.Equal(view.Order().ToList().Count, view.Count);
                }
                foreach (var itemId in items.Keys)
                {
                    var view = index.SelectorsMatching(itemId);
                    Assert.Equal(expected.Where(p => p.Item2 == itemId).Select(p => p.Item1).Order(), view.Order());
                }
                Assert.Equal(items.Count, index.ItemCount);
                Assert.Equal(items.Values.Select(i => string.Join(",", i.Labels.OrderBy(kv => kv.Key)) + "|" + string.Join(",", i.Parents)).Distinct().Count(), index.ClassCount);
            }
        }, iter: 1500);
    }
}
