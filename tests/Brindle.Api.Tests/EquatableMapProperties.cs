using CsCheck;

namespace Brindle.Api.Tests;

/// <summary><see cref="EquatableMap{TValue}"/> behaves like a <see cref="SortedDictionary{TKey,TValue}"/> with ordinal keys.</summary>
public sealed class EquatableMapProperties
{
    // Keys whose ordinal order differs from culture order (case, accents, punctuation, the empty key).
    private static readonly string[] Keys = ["", "a", "A", "b", "B", "aa", "a-b", "a/b", "a.b", "k8s.io/x", "é", "e", "Z", "\u0130", "z9"];

    private static readonly Gen<string> Key = Gen.OneOf(Keys);

    private static readonly Gen<(string Key, int Value)[]> Pairs = Gen.Select(Key, Gen.Int[0, 3]).Array[0, 10];

    // An edit: a key, and the value to set (null removes).
    private static readonly Gen<(string Key, int? Value)[]> Edits = Gen.Select(Key, Gen.Int[0, 3].Nullable()).Array[0, 8];

    [Fact]
    public void Map_matches_an_ordinal_sorted_dictionary()
    {
        Gen.Select(Pairs, Edits).Sample((pairs, edits) =>
        {
            var model = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, value) in pairs) model.TryAdd(key, value);
            var map = new EquatableMap<int>(model.Reverse());   // construction sorts
            foreach (var (key, value) in edits)
            {
                if (value is { } v)
                {
                    model[key] = v;
                    map = map.SetItem(key, v);
                }
                else
                {
                    model.Remove(key);
                    map = map.Remove(key);
                }
            }

            Assert.Equal(model.Count, map.Count);
            Assert.Equal(model.Count == 0, map.IsEmpty);
            Assert.Equal(model.ToList(), map.ToList());
            var walked = new List<KeyValuePair<string, int>>();
            foreach (var entry in map) walked.Add(entry);
            Assert.Equal(model.ToList(), walked);
            Assert.Equal(model.ToList(), map.AsSpan().ToArray());
            Assert.Equal(model.Keys, map.Keys);
            Assert.Equal(model.Values, map.Values);
            foreach (var key in Keys.Append("missing"))
            {
                var present = model.TryGetValue(key, out var expected);
                Assert.Equal(present, map.TryGetValue(key, out var actual));
                Assert.Equal(expected, actual);
                Assert.Equal(present, map.ContainsKey(key));
                if (present) Assert.Equal(expected, map[key]);
                else Assert.Throws<KeyNotFoundException>(() => map[key]);
            }

            var rebuilt = model.ToEquatableMap();
            Assert.True(rebuilt == map);
            Assert.Equal(rebuilt.GetHashCode(), map.GetHashCode());
            Assert.Equal(model.Count == 0, map == EquatableMap<int>.Empty);
        }, iter: 500);
    }

    [Fact]
    public void Maps_are_equal_exactly_when_their_dictionaries_are()
    {
        Gen.Select(Pairs, Pairs).Sample((left, right) =>
        {
            var leftModel = Model(left);
            var rightModel = Model(right);
            var leftMap = leftModel.ToEquatableMap();
            var rightMap = rightModel.ToEquatableMap();
            var same = leftModel.Count == rightModel.Count && leftModel.All(kv => rightModel.TryGetValue(kv.Key, out var v) && v == kv.Value);
            Assert.Equal(same, leftMap.Equals(rightMap));
            Assert.Equal(same, leftMap.Equals((object)rightMap));
            Assert.Equal(!same, leftMap != rightMap);
            if (same) Assert.Equal(leftMap.GetHashCode(), rightMap.GetHashCode());
        }, iter: 500);
    }

    [Fact]
    public void Repeated_keys_must_agree()
    {
        Assert.Equal(EquatableMap.Create(("a", 1)), EquatableMap.Create(("a", 1), ("a", 1)));
        Assert.Throws<ArgumentException>(() => EquatableMap.Create(("b", 0), ("a", 1), ("a", 2)));
    }

    [Fact]
    public void Default_is_the_empty_map()
    {
        var empty = new EquatableMap<string>([]);
        Assert.Equal(default, empty);
        Assert.Equal(default(EquatableMap<string>).GetHashCode(), empty.GetHashCode());
        Assert.Equal(default, EquatableMap.Create(("a", "x")).Remove("a"));
        Assert.Empty(default(EquatableMap<string>));
        Assert.False(default(EquatableMap<string>).ContainsKey("a"));
        Assert.Equal("{a: x, b: y}", EquatableMap.Create(("b", "y"), ("a", "x")).ToString());
    }

    private static SortedDictionary<string, int> Model((string Key, int Value)[] pairs)
    {
        var model = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs) model.TryAdd(key, value);
        return model;
    }
}
