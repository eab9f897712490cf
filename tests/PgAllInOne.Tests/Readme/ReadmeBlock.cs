using System.Text.RegularExpressions;

namespace PgAllInOne.Tests.Readme;

/// <summary>One <c>```sh</c> block of the README: its commands (continuation lines joined, comment lines dropped), in order.</summary>
public sealed partial record ReadmeBlock(string Section, IReadOnlyList<string> Commands)
{
    /// <summary>The shell blocks of the README that come before the heading <paramref name="stopAt"/>, in order.</summary>
    public static IReadOnlyList<ReadmeBlock> Read(string readme, string stopAt)
    {
        var end = readme.IndexOf("\n" + stopAt + "\n", StringComparison.Ordinal);
        var text = end < 0 ? readme : readme[..end];
        var blocks = new List<ReadmeBlock>();
        foreach (Match block in ShellBlock().Matches(text))
        {
            var section = Heading().Matches(text[..block.Index]).LastOrDefault()?.Groups[1].Value ?? "";
            var commands = new List<string>();
            var pending = "";
            foreach (var raw in block.Groups[1].Value.Split('\n'))
            {
                var line = raw.TrimEnd();
                if (pending.Length == 0 && (line.Length == 0 || line.TrimStart().StartsWith('#')))
                {
                    continue;
                }

                if (line.EndsWith('\\'))
                {
                    pending += line[..^1];
                    continue;
                }

                commands.Add(pending + line);
                pending = "";
            }

            blocks.Add(new ReadmeBlock(section, commands));
        }

        return blocks;
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"^#+ (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
