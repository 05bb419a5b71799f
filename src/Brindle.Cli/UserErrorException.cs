namespace Brindle.Cli;

/// <summary>A mistake by the user or a condition they must fix; its message is printed as is, without a stack trace.</summary>
internal sealed class UserErrorException(string message) : Exception(message);
