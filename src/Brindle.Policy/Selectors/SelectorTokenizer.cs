using System.Diagnostics.CodeAnalysis;

namespace Brindle.Policy;

/// <summary>Splits selector text into tokens with Calico's lexical rules.</summary>
/// <remarks>
/// Rules (libcalico-go/lib/selector/tokenizer): only space and tab are whitespace; strings are single- or
/// double-quoted with no escapes; a label is one or more of <c>[a-zA-Z0-9_./-]</c>; the word operators
/// (<c>in</c>, <c>not in</c>, <c>contains</c>, <c>starts with</c>, <c>ends with</c>) are recognised only right after a
/// label, so keywords are never reserved as label names; <c>has(</c>, <c>all(</c> and <c>global(</c> must be written
/// without a space before the parenthesis.
/// </remarks>
internal static class SelectorTokenizer
{
    public static bool TryTokenize(string text, List<SelectorToken> tokens, [NotNullWhen(false)] out SelectorError? error)
    {
        error = null;
        var i = 0;
        while (true)
        {
            i = SkipWhitespace(text, i);
            if (i >= text.Length)
            {
                tokens.Add(new SelectorToken(SelectorTokenKind.End, "", text.Length));
                return true;
            }
            var start = i;
            var afterLabel = tokens.Count > 0 && tokens[^1].Kind == SelectorTokenKind.Label;
            var c = text[i];
            switch (c)
            {
                case '(': tokens.Add(new(SelectorTokenKind.LParen, "", start)); i++; continue;
                case ')': tokens.Add(new(SelectorTokenKind.RParen, "", start)); i++; continue;
                case '{': tokens.Add(new(SelectorTokenKind.LBrace, "", start)); i++; continue;
                case '}': tokens.Add(new(SelectorTokenKind.RBrace, "", start)); i++; continue;
                case ',': tokens.Add(new(SelectorTokenKind.Comma, "", start)); i++; continue;
                case '"' or '\'':
                    var close = text.IndexOf(c, i + 1);
                    if (close < 0) return Fail(text, start, $"unterminated string: no closing {c} (there are no escape sequences)", out error);
                    tokens.Add(new(SelectorTokenKind.String, text[(i + 1)..close], start));
                    i = close + 1;
                    continue;
                case '=':
                    if (!Next(text, i, '=')) return Fail(text, start, "'=' must be written '=='", out error);
                    tokens.Add(new(SelectorTokenKind.Eq, "", start)); i += 2; continue;
                case '!':
                    if (Next(text, i, '=')) { tokens.Add(new(SelectorTokenKind.Ne, "", start)); i += 2; }
                    else { tokens.Add(new(SelectorTokenKind.Not, "", start)); i++; }
                    continue;
                case '&':
                    if (!Next(text, i, '&')) return Fail(text, start, "'&' must be written '&&'", out error);
                    tokens.Add(new(SelectorTokenKind.And, "", start)); i += 2; continue;
                case '|':
                    if (!Next(text, i, '|')) return Fail(text, start, "'|' must be written '||'", out error);
                    tokens.Add(new(SelectorTokenKind.Or, "", start)); i += 2; continue;
            }
            if (afterLabel)
            {
                if (!TryOperatorWord(text, ref i, tokens, out error)) return false;
                continue;
            }
            if (StartsWith(text, i, "has("))
            {
                var nameStart = SkipWhitespace(text, i + 4);
                var nameEnd = IdentifierEnd(text, nameStart);
                if (nameEnd == nameStart) return Fail(text, nameStart, "expected a label name after 'has('", out error);
                var closeParen = SkipWhitespace(text, nameEnd);
                if (!StartsWith(text, closeParen, ")")) return Fail(text, closeParen, "expected ')' to close 'has('", out error);
                tokens.Add(new(SelectorTokenKind.Has, text[nameStart..nameEnd], start));
                i = closeParen + 1;
                continue;
            }
            if (TryEmptyCall(text, ref i, "all(", SelectorTokenKind.All, tokens, out error) ||
                TryEmptyCall(text, ref i, "global(", SelectorTokenKind.Global, tokens, out error))
            {
                continue;
            }
            if (error is not null) return false;
            var end = IdentifierEnd(text, i);
            if (end == i)
            {
                var shown = c switch { '\n' => "\\n", '\r' => "\\r", _ => c.ToString() };
                var hint = char.IsWhiteSpace(c) ? " (only space and tab are whitespace in a selector)" : "";
                return Fail(text, start, $"unexpected character '{shown}'{hint}", out error);
            }
            tokens.Add(new(SelectorTokenKind.Label, text[i..end], start));
            i = end;
        }
    }

    /// <summary>After a label only an operator may follow; the word operators are matched as prefixes, as Calico does.</summary>
    private static bool TryOperatorWord(string text, ref int i, List<SelectorToken> tokens, [NotNullWhen(false)] out SelectorError? error)
    {
        error = null;
        var start = i;
        if (StartsWith(text, i, "contains"))
        {
            tokens.Add(new(SelectorTokenKind.Contains, "", start));
            i += "contains".Length;
            return true;
        }
        foreach (var (first, second, kind) in TwoWordOperators)
        {
            if (!StartsWith(text, i, first)) continue;
            var j = SkipWhitespace(text, i + first.Length);
            if (!StartsWith(text, j, second)) break;
            tokens.Add(new(kind, "", start));
            i = j + second.Length;
            return true;
        }
        if (StartsWith(text, i, "in"))
        {
            tokens.Add(new(SelectorTokenKind.In, "", start));
            i += 2;
            return true;
        }
        return Fail(text, start,
            $"expected an operator (==, !=, in, not in, contains, starts with, ends with) after label '{tokens[^1].Value}'", out error);
    }

    private static readonly (string First, string Second, SelectorTokenKind Kind)[] TwoWordOperators =
    [
        ("starts", "with", SelectorTokenKind.StartsWith),
        ("ends", "with", SelectorTokenKind.EndsWith),
        ("not", "in", SelectorTokenKind.NotIn),
    ];

    private static bool TryEmptyCall(string text, ref int i, string call, SelectorTokenKind kind, List<SelectorToken> tokens, out SelectorError? error)
    {
        error = null;
        if (!StartsWith(text, i, call)) return false;
        var close = SkipWhitespace(text, i + call.Length);
        if (!StartsWith(text, close, ")"))
        {
            Fail(text, close, $"expected ')' after '{call}'", out error);
            return false;
        }
        tokens.Add(new(kind, "", i));
        i = close + 1;
        return true;
    }

    private static bool Fail(string text, int position, string reason, out SelectorError error)
    {
        error = new SelectorError(text, position, reason);
        return false;
    }

    private static int SkipWhitespace(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        return i;
    }

    private static bool Next(string text, int i, char c) => i + 1 < text.Length && text[i + 1] == c;

    private static bool StartsWith(string text, int i, string word) => i + word.Length <= text.Length && string.CompareOrdinal(text, i, word, 0, word.Length) == 0;

    private static int IdentifierEnd(string text, int i)
    {
        while (i < text.Length && IsIdentifierChar(text[i])) i++;
        return i;
    }

    internal static bool IsIdentifierChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '/' or '-';
}
