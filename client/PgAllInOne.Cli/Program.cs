using Spectre.Console;

namespace PgAllInOne.Cli;

// An explicit entry point rather than top-level statements: pgaio references ASP.NET Core's framework (through the
// PostgreSQL library that pgaio restore uses), whose generator would otherwise make a public Program that clashes with
// the silo's in the tests.
internal static class PgaioProgram
{
    public static async Task<int> Main(string[] args)
    {
        // Piped or redirected output gets plain text, no live redraws, and lines wide enough that tables do not wrap at 80 columns.
        var redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = 240;
        }

        return await PgaioCli.RunAsync(args, console, Console.Error, CancellationToken.None);
    }
}
