namespace Brindle.Agent.Loop;

/// <summary>Logging event ids of the agent's apply loop (range 6150-6199).</summary>
internal static class LoopEventIds
{
    public const int Applied = 6150;
    public const int ApplyFailed = 6151;
}
