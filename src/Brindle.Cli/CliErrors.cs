namespace Brindle.Cli;

/// <summary>Decides which exceptions are the user's to fix (printed as one clear line) rather than bugs.</summary>
internal static class CliErrors
{
    public static bool TryDescribe(Exception e, out string message)
    {
        switch (e)
        {
            case UserErrorException or Brindle.Datastore.DatastoreException:
                message = e.Message;
                return true;
            case FileNotFoundException f:
                message = $"{f.FileName ?? "file"}: no such file";
                return true;
            case DirectoryNotFoundException or UnauthorizedAccessException or IOException:
                message = e.Message;
                return true;
            default:
                message = "";
                return false;
        }
    }
}
