using System.Text;
using Spectre.Console;

namespace PgAllInOne.Cli.Output;

/// <summary>
/// Turns the search snippet's <c>&lt;mark&gt;</c> tags into Spectre highlight markup, or, where the output has no colours
/// (piped, redirected, NO_COLOR), into the plain-text marks <c>[[match]]</c>; everything else is escaped, never interpreted.
/// </summary>
public static class Highlight
{
    public const string PlainOpen = "[[";
    public const string PlainClose = "]]";
    private const string Open = "<mark>";
    private const string Close = "</mark>";

    /// <summary>The snippet as markup for this console: a coloured highlight when it shows colours, else plain-text marks.</summary>
    public static string Snippet(string snippet, IAnsiConsole console) =>
        Snippet(snippet, plain: !console.Profile.Capabilities.Ansi || console.Profile.Capabilities.ColorSystem == ColorSystem.NoColors);

    public static string Snippet(string snippet, bool plain = false)
    {
        var text = snippet.ReplaceLineEndings(" ");
        var markup = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var start = text.IndexOf(Open, position, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            var end = text.IndexOf(Close, start + Open.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            markup.Append(Markup.Escape(text[position..start]));
            var marked = text[(start + Open.Length)..end];
            if (marked.Length > 0)
            {
                markup.Append(plain
                    ? Markup.Escape(PlainOpen) + Markup.Escape(marked) + Markup.Escape(PlainClose)
                    : "[black on yellow]" + Markup.Escape(marked) + "[/]");
            }

            position = end + Close.Length;
        }

        return markup.Append(Markup.Escape(text[position..])).ToString();
    }
}
