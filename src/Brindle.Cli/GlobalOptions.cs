using System.CommandLine;

namespace Brindle.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Datastore config file (CalicoAPIConfig). Default /etc/brindle/brindle.cfg; DATASTORE_TYPE, ETCD_ENDPOINTS, DATASTORE_PATH … override it.",
        Recursive = true,
    };

    public static readonly Option<string> LogLevel = new("--log-level", "-l")
    {
        Description = "Log level for diagnostics on stderr: panic, fatal, error, warning, info, debug.",
        DefaultValueFactory = _ => "panic",
        Recursive = true,
    };
}
