namespace Brindle.Policy;

/// <summary>One lint finding: what and where, in plain words.</summary>
public sealed record PolicyLintWarning(string Resource, string? Field, string Message)
{
    public override string ToString() => Field is null ? $"{Resource}: {Message}" : $"{Resource} {Field}: {Message}";
}

/// <summary>
/// Finds policy mistakes users make: rules that can never match because an earlier rule in the same list matches
/// everything, policies and profiles that select no endpoint, and <c>types</c> defaulting that differs from what a
/// Kubernetes user would expect.
/// </summary>
public static class PolicyLinter
{
    public static IReadOnlyList<PolicyLintWarning> Lint(PolicyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var evaluator = new PolicyEvaluator(model);
        var endpoints = evaluator.Endpoints.ToArray();
        var warnings = new List<PolicyLintWarning>();
        foreach (var policy in model.Policies)
        {
            var name = policy.Namespace is null ? $"GlobalNetworkPolicy '{policy.Id}'" : $"NetworkPolicy '{policy.Id}'";
            Shadowed(name, "spec.ingress", policy.Ingress, warnings);
            Shadowed(name, "spec.egress", policy.Egress, warnings);
            var applies = new CompiledPolicy(policy).AppliesTo;
            if (endpoints.Length > 0 && !endpoints.Any(e => applies.Matches(evaluator.LabelsOf(e))))
            {
                warnings.Add(new(name, "spec.selector", $"selects no endpoint ({applies})"));
            }
            if (policy is { AppliesToEgress: true, AppliesToIngress: false, Ingress.Count: 0 } && policy.Egress.Count > 0)
            {
                warnings.Add(new(name, "spec.types", "has only egress rules and no types, so it applies to egress only; unlike a Kubernetes NetworkPolicy it does not isolate ingress (add types: [Ingress, Egress] if that was meant)"));
            }
        }
        foreach (var profile in model.Profiles)
        {
            var name = $"Profile '{profile.Name}'";
            Shadowed(name, "spec.ingress", profile.Ingress, warnings);
            Shadowed(name, "spec.egress", profile.Egress, warnings);
            if (endpoints.Length > 0 && !endpoints.Any(e => e.Profiles.Contains(profile.Name)) && !profile.Name.StartsWith("kns.", StringComparison.Ordinal))
            {
                warnings.Add(new(name, null, "no endpoint lists this profile"));
            }
        }
        foreach (var endpoint in endpoints)
        {
            foreach (var missing in endpoint.Profiles.Where(p => !model.Profiles.Any(x => x.Name == p)))
            {
                warnings.Add(new($"endpoint '{endpoint.Id}'", "spec.profiles", $"profile '{missing}' does not exist, so Calico drops all of this endpoint's traffic"));
            }
        }
        return warnings;
    }

    /// <summary>A rule with an Allow/Deny/Pass action and no match criteria decides for everything; later rules never run.</summary>
    private static void Shadowed(string resource, string field, IReadOnlyList<PolicyModel.Rule> rules, List<PolicyLintWarning> warnings)
    {
        for (var i = 0; i < rules.Count - 1; i++)
        {
            if (rules[i].Action == PolicyModel.Action.Log || !MatchesEverything(rules[i])) continue;
            warnings.Add(new(resource, $"{field}[{i + 1}..{rules.Count - 1}]",
                $"can never match: rule {i} ({rules[i].Action}) has no match criteria and decides every connection first"));
            return;
        }
    }

    private static bool MatchesEverything(PolicyModel.Rule rule) =>
        rule is { IpVersion: null, Protocol: null, NotProtocol: null, Icmp: null, NotIcmp: null, Unsupported: null }
        && IsAny(rule.SourceRule) && IsAny(rule.DestinationRule);

    private static bool IsAny(PolicyModel.EntityRule side) =>
        side is { Nets: null or { Count: 0 }, NotNets: null or { Count: 0 }, Selector: null, NotSelector: null, NamespaceSelector: null, Ports: null or { Count: 0 }, NotPorts: null or { Count: 0 } };
}
