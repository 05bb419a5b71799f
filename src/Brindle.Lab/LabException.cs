namespace Brindle.Lab;

/// <summary>An expected, user-visible lab failure (a lab already running, bad options, a node that does not exist); one plain message.</summary>
public sealed class LabException(string message) : Exception(message);
