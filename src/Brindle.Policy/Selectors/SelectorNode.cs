using System.Collections.Frozen;
using System.Text;

namespace Brindle.Policy;

/// <summary>A node of a parsed selector. Evaluation allocates nothing; each node has one overload per label source.</summary>
internal abstract class SelectorNode
{
    public abstract bool Evaluate(ILabels labels);

    public abstract bool Evaluate(IReadOnlyDictionary<string, string> labels);

    /// <summary>The fast path: a concrete dictionary, so label lookups are direct calls rather than interface dispatch.</summary>
    public abstract bool Evaluate(Dictionary<string, string> labels);

    /// <summary>Appends Calico's canonical text (libcalico-go's <c>String()</c>): <c>&amp;&amp;</c>/<c>||</c> groups always parenthesised, values double-quoted unless they contain a double quote, sets sorted and de-duplicated.</summary>
    public abstract void Write(StringBuilder text);

    public abstract void CollectKeys(HashSet<string> keys);

    public virtual bool ContainsGlobal => false;

    /// <summary>Per key, what must hold for the node to be true (a sound over-approximation; missing key = no restriction).</summary>
    public virtual Dictionary<string, LabelRestriction> Restrictions() => [];

    internal static void WriteQuoted(StringBuilder text, string value)
    {
        var quote = value.Contains('"', StringComparison.Ordinal) ? '\'' : '"';
        text.Append(quote).Append(value).Append(quote);
    }

    /// <summary>A test on one label's presence and value.</summary>
    internal abstract class LabelTest(string key) : SelectorNode
    {
        public string Key { get; } = key;

        protected abstract bool Test(bool present, string? value);

        public sealed override bool Evaluate(ILabels labels) => Test(labels.TryGetValue(Key, out var v), v);

        public sealed override bool Evaluate(IReadOnlyDictionary<string, string> labels) => Test(labels.TryGetValue(Key, out var v), v);

        public override bool Evaluate(Dictionary<string, string> labels) => Test(labels.TryGetValue(Key, out var v), v);

        public override void CollectKeys(HashSet<string> keys) => keys.Add(Key);
    }

    internal sealed class Has(string key) : LabelTest(key)
    {
        protected override bool Test(bool present, string? value) => present;

        public override void Write(StringBuilder text) => text.Append("has(").Append(Key).Append(')');

        public override Dictionary<string, LabelRestriction> Restrictions() => new() { [Key] = new(true, false, null) };
    }

    /// <summary>A comparison of one label's value with a string: ==, !=, contains, starts with, ends with.</summary>
    internal sealed class Compare(string key, SelectorTokenKind op, string value) : LabelTest(key)
    {
        public SelectorTokenKind Operator { get; } = op;

        public string Value { get; } = value;

        private readonly bool _isEquality = op == SelectorTokenKind.Eq;

        // The common `k == 'v'` avoids the operator switch and the virtual Test call.
        public override bool Evaluate(Dictionary<string, string> labels) => _isEquality
            ? labels.TryGetValue(Key, out var v) && string.Equals(v, Value, StringComparison.Ordinal)
            : base.Evaluate(labels);

        protected override bool Test(bool present, string? value) => Operator switch
        {
            SelectorTokenKind.Eq => present && string.Equals(value, Value, StringComparison.Ordinal),
            // Calico: != is true when the label is absent.
            SelectorTokenKind.Ne => !present || !string.Equals(value, Value, StringComparison.Ordinal),
            SelectorTokenKind.Contains => present && value!.Contains(Value, StringComparison.Ordinal),
            SelectorTokenKind.StartsWith => present && value!.StartsWith(Value, StringComparison.Ordinal),
            _ => present && value!.EndsWith(Value, StringComparison.Ordinal),
        };

        public override void Write(StringBuilder text)
        {
            text.Append(Key).Append(Operator switch
            {
                SelectorTokenKind.Eq => " == ",
                SelectorTokenKind.Ne => " != ",
                SelectorTokenKind.Contains => " contains ",
                SelectorTokenKind.StartsWith => " starts with ",
                _ => " ends with ",
            });
            WriteQuoted(text, Value);
        }

        public override Dictionary<string, LabelRestriction> Restrictions() => Operator switch
        {
            SelectorTokenKind.Ne => [],
            SelectorTokenKind.Eq => new() { [Key] = new(true, false, [Value]) },
            _ => new() { [Key] = new(true, false, null) },
        };
    }

    /// <summary><c>k in {…}</c> or <c>k not in {…}</c>; <c>not in</c> is true when the label is absent.</summary>
    internal sealed class InSet : LabelTest
    {
        private readonly FrozenSet<string> _set;

        public InSet(string key, bool negated, IEnumerable<string> values) : base(key)
        {
            Negated = negated;
            Values = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            _set = Values.ToFrozenSet(StringComparer.Ordinal);
        }

        public bool Negated { get; }

        /// <summary>Sorted, distinct.</summary>
        public string[] Values { get; }

        protected override bool Test(bool present, string? value) => Negated
            ? !present || !_set.Contains(value!)
            : present && _set.Contains(value!);

        public override void Write(StringBuilder text)
        {
            text.Append(Key).Append(Negated ? " not in {" : " in {");
            for (var i = 0; i < Values.Length; i++)
            {
                if (i > 0) text.Append(", ");
                WriteQuoted(text, Values[i]);
            }
            text.Append('}');
        }

        public override Dictionary<string, LabelRestriction> Restrictions() =>
            Negated ? [] : new() { [Key] = new(true, false, Values) };
    }

    internal sealed class All : SelectorNode
    {
        public static readonly All Instance = new();

        public override bool Evaluate(ILabels labels) => true;

        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => true;

        public override bool Evaluate(Dictionary<string, string> labels) => true;

        public override void Write(StringBuilder text) => text.Append("all()");

        public override void CollectKeys(HashSet<string> keys) { }
    }

    /// <summary><c>global()</c>: true for every label set; its scope meaning (non-namespaced things only) is applied by the policy evaluator.</summary>
    internal sealed class Global : SelectorNode
    {
        public static readonly Global Instance = new();

        public override bool Evaluate(ILabels labels) => true;

        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => true;

        public override bool Evaluate(Dictionary<string, string> labels) => true;

        public override void Write(StringBuilder text) => text.Append("global()");

        public override void CollectKeys(HashSet<string> keys) { }

        public override bool ContainsGlobal => true;
    }

    internal sealed class Not(SelectorNode operand) : SelectorNode
    {
        public SelectorNode Operand { get; } = operand;

        public override bool Evaluate(ILabels labels) => !Operand.Evaluate(labels);

        public override bool Evaluate(IReadOnlyDictionary<string, string> labels) => !Operand.Evaluate(labels);

        public override bool Evaluate(Dictionary<string, string> labels) => !Operand.Evaluate(labels);

        public override void Write(StringBuilder text)
        {
            text.Append('!');
            Operand.Write(text);
        }

        public override void CollectKeys(HashSet<string> keys) => Operand.CollectKeys(keys);

        public override bool ContainsGlobal => Operand.ContainsGlobal;

        // Only !has(k) can be inverted: !(k == 'v') does not require k to be absent.
        public override Dictionary<string, LabelRestriction> Restrictions() =>
            Operand is Has has ? new() { [has.Key] = new(false, true, null) } : [];
    }

    /// <summary>An n-ary <c>&amp;&amp;</c> or <c>||</c>, evaluated left to right with short-circuit.</summary>
    internal sealed class Logical(bool isAnd, SelectorNode[] operands) : SelectorNode
    {
        public bool IsAnd { get; } = isAnd;

        public SelectorNode[] Operands { get; } = operands;

        public override bool Evaluate(ILabels labels)
        {
            foreach (var operand in Operands)
            {
                if (operand.Evaluate(labels) != IsAnd) return !IsAnd;
            }
            return IsAnd;
        }

        public override bool Evaluate(IReadOnlyDictionary<string, string> labels)
        {
            foreach (var operand in Operands)
            {
                if (operand.Evaluate(labels) != IsAnd) return !IsAnd;
            }
            return IsAnd;
        }

        public override bool Evaluate(Dictionary<string, string> labels)
        {
            foreach (var operand in Operands)
            {
                if (operand.Evaluate(labels) != IsAnd) return !IsAnd;
            }
            return IsAnd;
        }

        public override void Write(StringBuilder text)
        {
            text.Append('(');
            for (var i = 0; i < Operands.Length; i++)
            {
                if (i > 0) text.Append(IsAnd ? " && " : " || ");
                Operands[i].Write(text);
            }
            text.Append(')');
        }

        public override void CollectKeys(HashSet<string> keys)
        {
            foreach (var operand in Operands) operand.CollectKeys(keys);
        }

        public override bool ContainsGlobal => Operands.Any(o => o.ContainsGlobal);

        public override Dictionary<string, LabelRestriction> Restrictions() => IsAnd ? Intersect() : Union();

        // Every operand must hold: combine all their restrictions.
        private Dictionary<string, LabelRestriction> Intersect()
        {
            var result = new Dictionary<string, LabelRestriction>(StringComparer.Ordinal);
            foreach (var operand in Operands)
            {
                foreach (var (key, r) in operand.Restrictions())
                {
                    if (!result.TryGetValue(key, out var current))
                    {
                        result[key] = r;
                        continue;
                    }
                    var oneOf = current.OneOf is null ? r.OneOf
                        : r.OneOf is null ? current.OneOf
                        : current.OneOf.Intersect(r.OneOf, StringComparer.Ordinal).ToArray();
                    result[key] = new(current.MustBePresent || r.MustBePresent, current.MustBeAbsent || r.MustBeAbsent, oneOf);
                }
            }
            return result;
        }

        // One operand suffices: keep only what every operand requires.
        private Dictionary<string, LabelRestriction> Union()
        {
            var result = Operands[0].Restrictions();
            foreach (var operand in Operands.Skip(1))
            {
                var other = operand.Restrictions();
                foreach (var (key, r) in result.ToArray())
                {
                    if (!other.TryGetValue(key, out var o))
                    {
                        result.Remove(key);
                        continue;
                    }
                    var present = r.MustBePresent && o.MustBePresent;
                    var absent = r.MustBeAbsent && o.MustBeAbsent;
                    var oneOf = present && r.OneOf is not null && o.OneOf is not null
                        ? r.OneOf.Union(o.OneOf, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()
                        : null;
                    if (present || absent) result[key] = new(present, absent, oneOf);
                    else result.Remove(key);
                }
            }
            return result;
        }
    }
}
