using System.Runtime.InteropServices;

namespace Brindle.Bgp.Ports;

/// <summary>The real <see cref="IProcessSignaller"/>: <c>/proc/PID/comm</c> and <c>kill(2)</c>.</summary>
public sealed partial class LinuxProcessSignaller : IProcessSignaller
{
    private const int SigTerm = 15;

    public static LinuxProcessSignaller Instance { get; } = new();

    public bool IsAlive(int pid, string expectedName)
    {
        try
        {
            var comm = File.ReadAllText($"/proc/{pid}/comm").Trim();
            var state = File.ReadAllText($"/proc/{pid}/stat");
            var zombie = state.LastIndexOf(')') is var i and >= 0 && state.Length > i + 2 && state[i + 2] == 'Z';
            return !zombie && string.Equals(comm, expectedName, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Terminate(int pid) => _ = Kill(pid, SigTerm);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
