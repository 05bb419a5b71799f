using System.Diagnostics.CodeAnalysis;

namespace Brindle.Policy;

/// <summary>Recursive-descent parser over <see cref="SelectorTokenizer"/> tokens, with Calico's grammar and precedence.</summary>
/// <remarks>
/// <code>
/// selector := (empty = all()) | or
/// or       := and ('||' and)*
/// and      := op ('&amp;&amp;' op)*
/// op       := '!'* ( has(k) | all() | global() | '(' or ')'
///                  | k ('==' | '!=' | contains | starts with | ends with) string
///                  | k ('in' | 'not in') '{' [string (',' string)* [',']] '}' )
/// </code>
/// Leading '!'s bind to the single operation after them (so <c>!a == 'x'</c> is <c>!(a == 'x')</c>) and an even
/// number of them cancels out, as in libcalico-go's parser.
/// </remarks>
internal sealed class SelectorParser
{
    private readonly string _text;
    private readonly List<SelectorToken> _tokens;
    private int _next;

    private SelectorParser(string text, List<SelectorToken> tokens)
    {
        _text = text;
        _tokens = tokens;
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out SelectorNode? root, [NotNullWhen(false)] out SelectorError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        root = null;
        var tokens = new List<SelectorToken>();
        if (!SelectorTokenizer.TryTokenize(text, tokens, out error)) return false;
        if (tokens[0].Kind == SelectorTokenKind.End)
        {
            root = SelectorNode.All.Instance;
            return true;
        }
        var parser = new SelectorParser(text, tokens);
        root = parser.ParseOr(out error);
        if (root is null) return error is not null ? false : throw new InvalidOperationException("parser failed without an error");
        var rest = parser.Peek;
        if (rest.Kind != SelectorTokenKind.End)
        {
            root = null;
            error = parser.Error(rest, $"unexpected {rest.Describe()} after a complete expression; join expressions with && or ||");
            return false;
        }
        return true;
    }

    private SelectorToken Peek => _tokens[_next];

    private SelectorToken Take() => _tokens[_next++];

    private SelectorError Error(SelectorToken at, string reason) => new(_text, at.Start, reason);

    private SelectorNode? ParseOr(out SelectorError? error) => ParseList(SelectorTokenKind.Or, out error);

    private SelectorNode? ParseList(SelectorTokenKind separator, out SelectorError? error)
    {
        var operands = new List<SelectorNode>();
        while (true)
        {
            var operand = separator == SelectorTokenKind.Or ? ParseList(SelectorTokenKind.And, out error) : ParseOperation(out error);
            if (operand is null) return null;
            operands.Add(operand);
            if (Peek.Kind != separator) break;
            _next++;
        }
        return operands.Count == 1 ? operands[0] : new SelectorNode.Logical(separator == SelectorTokenKind.And, [.. operands]);
    }

    private SelectorNode? ParseOperation(out SelectorError? error)
    {
        error = null;
        var negated = false;
        while (Peek.Kind == SelectorTokenKind.Not)
        {
            negated = !negated;
            _next++;
        }
        var token = Take();
        SelectorNode? node;
        switch (token.Kind)
        {
            case SelectorTokenKind.Has:
                node = new SelectorNode.Has(token.Value);
                break;
            case SelectorTokenKind.All:
                node = SelectorNode.All.Instance;
                break;
            case SelectorTokenKind.Global:
                node = SelectorNode.Global.Instance;
                break;
            case SelectorTokenKind.Label:
                node = ParseLabelOperation(token, out error);
                break;
            case SelectorTokenKind.LParen:
                node = ParseOr(out error);
                if (node is null) return null;
                if (Peek.Kind != SelectorTokenKind.RParen)
                {
                    error = Error(Peek, $"expected ')' to close the '(' at column {token.Start + 1}, found {Peek.Describe()}");
                    return null;
                }
                _next++;
                break;
            default:
                error = Error(token, $"unexpected {token.Describe()}; expected a label, has(), all(), global(), '!' or '('");
                return null;
        }
        if (node is null) return null;
        return negated ? new SelectorNode.Not(node) : node;
    }

    private SelectorNode? ParseLabelOperation(SelectorToken label, out SelectorError? error)
    {
        error = null;
        var op = Take();
        switch (op.Kind)
        {
            case SelectorTokenKind.Eq or SelectorTokenKind.Ne or SelectorTokenKind.Contains or SelectorTokenKind.StartsWith or SelectorTokenKind.EndsWith:
                var value = Take();
                if (value.Kind != SelectorTokenKind.String)
                {
                    error = Error(value, $"expected a quoted string after {op.Describe()}, found {value.Describe()} (values must be quoted)");
                    return null;
                }
                return new SelectorNode.Compare(label.Value, op.Kind, value.Value);
            case SelectorTokenKind.In or SelectorTokenKind.NotIn:
                return ParseSet(label, op, out error);
            default:
                error = Error(op, $"expected an operator after label '{label.Value}', found {op.Describe()}");
                return null;
        }
    }

    private SelectorNode? ParseSet(SelectorToken label, SelectorToken op, out SelectorError? error)
    {
        error = null;
        var brace = Take();
        if (brace.Kind != SelectorTokenKind.LBrace)
        {
            error = Error(brace, $"expected '{{' after {op.Describe()}, found {brace.Describe()}");
            return null;
        }
        var values = new List<string>();
        while (Peek.Kind == SelectorTokenKind.String)
        {
            values.Add(Take().Value);
            if (Peek.Kind != SelectorTokenKind.Comma) break;
            _next++;
        }
        if (Peek.Kind != SelectorTokenKind.RBrace)
        {
            error = Error(Peek, $"expected a quoted string, ',' or '}}' in the set, found {Peek.Describe()}");
            return null;
        }
        _next++;
        return new SelectorNode.InSet(label.Value, op.Kind == SelectorTokenKind.NotIn, values);
    }
}
