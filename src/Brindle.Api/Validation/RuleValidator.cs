namespace Brindle.Api;

/// <summary>Where a rule sits, which decides what Calico allows in it.</summary>
internal enum RuleOwner
{
    NetworkPolicy,
    GlobalNetworkPolicy,
    Profile,
}

/// <summary>Validates policy and profile rules (Calico's validateRule / validateEntityRule plus the CRD rules).</summary>
internal static class RuleValidator
{
    private const int MaxIcmpType = 254;
    private const int MaxIcmpCode = 255;
    private const int MaxProtocolNumber = 255;

    public static void ValidateRules(FieldErrors errors, EquatableArray<Rule> rules, string path, PolicyType direction, RuleOwner owner)
    {
        for (var i = 0; i < rules.Count; i++) ValidateRule(errors, rules[i], $"{path}[{i}]", direction, owner);
    }

    private static void ValidateRule(FieldErrors errors, Rule rule, string path, PolicyType direction, RuleOwner owner)
    {
        if (rule.IpVersion is { } version && version is not (4 or 6))
        {
            errors.Add($"{path}.ipVersion", $"ipVersion {version} must be 4 or 6");
        }
        ValidateProtocol(errors, rule.Protocol, $"{path}.protocol");
        ValidateProtocol(errors, rule.NotProtocol, $"{path}.notProtocol");
        ValidateIcmp(errors, rule, rule.Icmp, $"{path}.icmp");
        ValidateIcmp(errors, rule, rule.NotIcmp, $"{path}.notICMP");
        if (rule.IpVersion is { } v && rule.Protocol is { } p
            && ((p.NumberValue == Protocol.Icmp.NumberValue && v == 6) || (p.NumberValue == Protocol.IcmpV6.NumberValue && v == 4)))
        {
            errors.Add($"{path}.protocol", $"protocol {p} does not match ipVersion {v}");
        }

        ValidateEntity(errors, rule, rule.Source, $"{path}.source", owner);
        ValidateEntity(errors, rule, rule.Destination, $"{path}.destination", owner);
        ValidateNetFamilies(errors, rule, path);

        // Services: source on ingress, destination on egress only (Calico's validateNetworkPolicySpec).
        if (direction == PolicyType.Ingress && rule.Destination.Services is not null)
        {
            errors.Add($"{path}.destination.services", "not allowed in an ingress rule's destination");
        }
        if (direction == PolicyType.Egress && rule.Source.Services is not null)
        {
            errors.Add($"{path}.source.services", "not allowed in an egress rule's source");
        }
        if (rule.Http is { } http)
        {
            if (direction == PolicyType.Egress) errors.Add($"{path}.http", "application-layer (http) match is not allowed in egress rules");
            ValidateHttp(errors, http, $"{path}.http");
        }
        if (rule.Metadata is { } metadata)
        {
            foreach (var key in metadata.Annotations.Keys) errors.AddIf($"{path}.metadata.annotations", Formats.QualifiedName(key));
        }
    }

    private static void ValidateProtocol(FieldErrors errors, Protocol? protocol, string path)
    {
        if (protocol is null) return;
        if (protocol.Name is null)
        {
            if (protocol.NumberValue is < 1 or > MaxProtocolNumber) errors.Add(path, $"protocol number {protocol.NumberValue} out of range 1-{MaxProtocolNumber}");
        }
        else if (!protocol.IsKnownName)
        {
            errors.Add(path, $"unknown protocol '{protocol.Name}' (expected one of {string.Join(", ", Protocol.KnownNames)} or a number 1-{MaxProtocolNumber})");
        }
    }

    private static void ValidateIcmp(FieldErrors errors, Rule rule, IcmpFields? icmp, string path)
    {
        if (icmp is null) return;
        if (rule.Protocol is not { IsIcmp: true })
        {
            errors.Add(path, "ICMP fields are only allowed with protocol ICMP or ICMPv6");
        }
        if (icmp.Type is { } type && type is < 0 or > MaxIcmpType) errors.Add($"{path}.type", $"ICMP type {type} out of range 0-{MaxIcmpType}");
        if (icmp.Code is { } code)
        {
            if (code is < 0 or > MaxIcmpCode) errors.Add($"{path}.code", $"ICMP code {code} out of range 0-{MaxIcmpCode}");
            if (icmp.Type is null) errors.Add($"{path}.code", "ICMP code requires an ICMP type");
        }
    }

    private static void ValidateEntity(FieldErrors errors, Rule rule, EntityRule entity, string path, RuleOwner owner)
    {
        ValidatePorts(errors, rule, entity.Ports, $"{path}.ports");
        ValidatePorts(errors, rule, entity.NotPorts, $"{path}.notPorts");
        SelectorRules.Check(errors, entity.Selector, $"{path}.selector", SelectorPlace.Plain);
        SelectorRules.Check(errors, entity.NotSelector, $"{path}.notSelector", SelectorPlace.Plain);
        SelectorRules.Check(errors, entity.NamespaceSelector, $"{path}.namespaceSelector", SelectorPlace.RuleNamespaceSelector);
        if (entity.ServiceAccounts is { } accounts)
        {
            SelectorRules.Check(errors, accounts.Selector, $"{path}.serviceAccounts.selector", SelectorPlace.Plain);
            for (var i = 0; i < accounts.Names.Count; i++)
            {
                errors.AddIf($"{path}.serviceAccounts.names[{i}]", Formats.ResourceName(accounts.Names[i]));
            }
        }
        if (entity.Services is { } services)
        {
            if (string.IsNullOrEmpty(services.Name)) errors.Add($"{path}.services.name", "a service name is required");
            if (entity.Selector is not null || entity.NotSelector is not null)
            {
                errors.Add($"{path}.services", "cannot be combined with selector or notSelector");
            }
            if (!entity.Nets.IsEmpty || !entity.NotNets.IsEmpty) errors.Add($"{path}.services", "cannot be combined with nets or notNets");
            if (owner == RuleOwner.GlobalNetworkPolicy && string.IsNullOrEmpty(services.Namespace))
            {
                errors.Add($"{path}.services.namespace", "a namespace is required in a GlobalNetworkPolicy");
            }
        }
        for (var i = 0; i < entity.NotNets.Count; i++)
        {
            if (entity.NotNets[i].PrefixLength == 0)
            {
                errors.Add($"{path}.notNets[{i}]", $"{entity.NotNets[i]} matches everything, so notNets would match no traffic");
            }
        }
    }

    private static void ValidatePorts(FieldErrors errors, Rule rule, EquatableArray<Port> ports, string path)
    {
        for (var i = 0; i < ports.Count; i++) errors.AddIf($"{path}[{i}]", Formats.Port(ports[i]));
        if (ports.IsEmpty) return;
        if (rule.Protocol is null)
        {
            if (ports.Any(p => !p.IsNamed)) errors.Add(path, "rules with numeric ports or port ranges must set protocol to TCP, UDP or SCTP");
        }
        else if (!rule.Protocol.SupportsPorts && (rule.Protocol.IsKnownName || rule.Protocol.Name is null))
        {
            errors.Add(path, $"protocol {rule.Protocol} does not support ports (only TCP, UDP and SCTP do)");
        }
    }

    /// <summary>A rule may not mix IPv4 and IPv6 CIDRs, and its CIDRs must match its ipVersion.</summary>
    private static void ValidateNetFamilies(FieldErrors errors, Rule rule, string path)
    {
        var seen = new HashSet<int>();
        foreach (var (nets, field) in new[]
                 {
                     (rule.Source.Nets, "source.nets"), (rule.Source.NotNets, "source.notNets"),
                     (rule.Destination.Nets, "destination.nets"), (rule.Destination.NotNets, "destination.notNets"),
                 })
        {
            var families = nets.Select(n => n.IPVersion).Distinct().ToList();
            if (families.Count == 0) continue;
            if (rule.IpVersion is { } version && families.Any(f => f != version))
            {
                errors.Add($"{path}.{field}", $"CIDR family does not match ipVersion {version}");
            }
            seen.UnionWith(families);
            if (seen.Count > 1) errors.Add($"{path}.{field}", "a rule cannot mix IPv4 and IPv6 CIDRs");
        }
    }

    private static void ValidateHttp(FieldErrors errors, HttpMatch http, string path)
    {
        if (http.Methods.Distinct(StringComparer.Ordinal).Count() != http.Methods.Count) errors.Add($"{path}.methods", "duplicate methods");
        for (var i = 0; i < http.Paths.Count; i++)
        {
            var p = http.Paths[i];
            var field = $"{path}.paths[{i}]";
            if (p.Exact is not null && p.Prefix is not null)
            {
                errors.Add(field, "set either exact or prefix, not both");
                continue;
            }
            var value = p.Exact ?? p.Prefix;
            if (string.IsNullOrEmpty(value)) errors.Add(field, "exact or prefix is required");
            else if (!value.StartsWith('/') || value.IndexOfAny(['?', '#', ' ']) >= 0) errors.Add(field, $"path '{value}' must start with '/' and not contain '?', '#' or spaces");
        }
    }
}

/// <summary>Where a selector appears, which decides whether <c>global()</c> is allowed.</summary>
internal enum SelectorPlace
{
    Plain,
    RuleNamespaceSelector,
}

internal static class SelectorRules
{
    public const string Global = "global()";

    /// <summary>
    /// <c>global()</c> is valid only as the whole of a rule's namespaceSelector (Calico's validateEntityRule;
    /// policy-level selectors reject it through CRD rules). Other selectors go to the context's syntax checker.
    /// </summary>
    public static void Check(FieldErrors errors, string? selector, string path, SelectorPlace place)
    {
        if (selector is null) return;
        var trimmed = selector.Trim(' ', '\t');
        if (trimmed == Global && place == SelectorPlace.RuleNamespaceSelector) return;
        if (selector.Contains("global(", StringComparison.Ordinal))
        {
            errors.Add(path, place == SelectorPlace.RuleNamespaceSelector
                ? "global() cannot be combined with other selector terms"
                : "global() can only be used alone in a rule's namespaceSelector");
            return;
        }
        if (errors.Context.SelectorCheck?.Check(selector) is { } problem) errors.Add(path, $"invalid selector: {problem}");
    }
}
