namespace Brindle.Bgp.Ports;

/// <summary>Port: checks and stops processes by PID (never by name).</summary>
public interface IProcessSignaller
{
    /// <summary>True when <paramref name="pid"/> is alive and its command name is <paramref name="expectedName"/> (guards against PID reuse).</summary>
    bool IsAlive(int pid, string expectedName);

    /// <summary>Sends SIGTERM. No error if the process is already gone.</summary>
    void Terminate(int pid);
}
