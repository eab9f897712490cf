using Spectre.Console;

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

return await PgAllInOne.Cli.PgaioCli.RunAsync(args, console, Console.Error, CancellationToken.None);
