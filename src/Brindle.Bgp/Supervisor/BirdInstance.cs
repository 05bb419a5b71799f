namespace Brindle.Bgp.Supervisor;

/// <summary>Where one node's BIRD lives: its own config file, control socket and PID file, and optionally a network namespace.</summary>
public sealed record BirdInstance(string ConfigPath, string SocketPath, string PidFilePath, string? Namespace = null)
{
    public string BirdProgram { get; init; } = "bird";
    public string BirdcProgram { get; init; } = "birdc";

    /// <summary>All files under one directory: <c>bird.conf</c>, <c>bird.ctl</c>, <c>bird.pid</c>.</summary>
    public static BirdInstance InDirectory(string directory, string? ns = null) =>
        new(Path.Combine(directory, "bird.conf"), Path.Combine(directory, "bird.ctl"), Path.Combine(directory, "bird.pid"), ns);

    /// <summary>The checked candidate is written here before it replaces <see cref="ConfigPath"/>.</summary>
    public string CandidatePath => ConfigPath + ".candidate";
}
