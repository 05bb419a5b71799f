namespace Brindle.Policy;

internal enum SelectorTokenKind
{
    Label,
    String,
    LBrace,
    RBrace,
    Comma,
    Eq,
    Ne,
    In,
    Not,
    NotIn,
    Contains,
    StartsWith,
    EndsWith,
    All,
    Has,
    Global,
    LParen,
    RParen,
    And,
    Or,
    End,
}

/// <summary>One token of a selector: its kind, its text (label name or string contents) and where it starts.</summary>
internal readonly record struct SelectorToken(SelectorTokenKind Kind, string Value, int Start)
{
    public string Describe() => Kind switch
    {
        SelectorTokenKind.Label => $"label '{Value}'",
        SelectorTokenKind.String => $"string '{Value}'",
        SelectorTokenKind.LBrace => "'{'",
        SelectorTokenKind.RBrace => "'}'",
        SelectorTokenKind.Comma => "','",
        SelectorTokenKind.Eq => "'=='",
        SelectorTokenKind.Ne => "'!='",
        SelectorTokenKind.In => "'in'",
        SelectorTokenKind.Not => "'!'",
        SelectorTokenKind.NotIn => "'not in'",
        SelectorTokenKind.Contains => "'contains'",
        SelectorTokenKind.StartsWith => "'starts with'",
        SelectorTokenKind.EndsWith => "'ends with'",
        SelectorTokenKind.All => "'all()'",
        SelectorTokenKind.Has => $"'has({Value})'",
        SelectorTokenKind.Global => "'global()'",
        SelectorTokenKind.LParen => "'('",
        SelectorTokenKind.RParen => "')'",
        SelectorTokenKind.And => "'&&'",
        SelectorTokenKind.Or => "'||'",
        SelectorTokenKind.End => "end of selector",
        _ => Kind.ToString(),
    };
}
