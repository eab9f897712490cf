namespace PgAllInOne.Cli.Output;

/// <summary>
/// Writes error lines to standard error, red when that is a terminal. Plain text rather than a Spectre console, because
/// Spectre wraps long lines at the console width and an error message must stay one line for scripts and logs.
/// </summary>
public sealed class ErrorWriter(TextWriter writer, bool color)
{
    public static ErrorWriter For(TextWriter writer) =>
        new(writer, ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null);

    public void Error(string message) => Write("error: " + message, "\u001b[31m");

    public void Hint(string message) => Write("hint: " + message, "\u001b[33m");

    private void Write(string line, string ansi)
    {
        lock (writer)
        {
            writer.WriteLine(color ? ansi + line + "\u001b[0m" : line);
            writer.Flush();
        }
    }
}
