using System.Text;
using Spectre.Console;

namespace PgAllInOne.Cli.Output;

/// <summary>Turns the search snippet's <c>&lt;mark&gt;</c> tags into Spectre highlight markup; everything else is escaped, never interpreted.</summary>
public static class Highlight
{
    private const string Open = "<mark>";
    private const string Close = "</mark>";

    public static string Snippet(string snippet)
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
                markup.Append("[black on yellow]").Append(Markup.Escape(marked)).Append("[/]");
            }

            position = end + Close.Length;
        }

        return markup.Append(Markup.Escape(text[position..])).ToString();
    }
}
