namespace Brindle.Cli;

/// <summary>Process exit codes of every <c>brindle</c> command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The user's input or the state of the datastore made the command fail; stderr says why.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (unknown option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>A bug in Brindle: an unexpected exception. Never used for user mistakes.</summary>
    public const int InternalError = 70;
}
