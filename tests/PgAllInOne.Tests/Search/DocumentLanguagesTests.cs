using System.Text.RegularExpressions;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Search;

namespace PgAllInOne.Tests.Search;

/// <summary>The language rule as grains apply it, and the pattern the OpenAPI document states for it, accept the same values.</summary>
public sealed class DocumentLanguagesTests
{
    [Theory]
    [InlineData("english", "english")]
    [InlineData("Chinese", "chinese")]
    [InlineData("SIMPLE", "simple")]
    [InlineData("en", "english")]
    [InlineData("en-US", "english")]
    [InlineData("EN-gb", "english")]
    [InlineData("zh", "chinese")]
    [InlineData("zh-CN", "chinese")]
    [InlineData("zh-Hans", "chinese")]
    [InlineData("zh-TW", "chinese")]
    [InlineData("zh-Hant-HK", "chinese")]
    [InlineData("ZH-hans-cn", "chinese")]
    [InlineData("fr", null)]
    [InlineData("fr-FR", null)]
    [InlineData("eng", null)]
    [InlineData("en_US", null)]
    [InlineData("en-", null)]
    [InlineData("-en", null)]
    [InlineData("zh--CN", null)]
    [InlineData("en-abcdefghi", null)]
    [InlineData("english-US", null)]
    [InlineData("", null)]
    [InlineData(" en", null)]
    [InlineData("en\n", null)]
    public void AValue_IsAcceptedByTheRule_ExactlyWhenThePatternMatchesIt(string value, string? name)
    {
        // As ECMA-262 reads it: there '$' is the end of the text, where .NET's also matches before a last line feed.
        var matches = Regex.IsMatch(value, DocumentLanguages.Pattern, RegexOptions.ECMAScript) && !value.EndsWith('\n');
        if (name is null)
        {
            Assert.False(matches, $"the pattern matches '{value}'");
            var refusal = Assert.Throws<ValidationException>(() => DocumentLanguages.Check(value));
            Assert.StartsWith("language must be one of english, chinese, simple, or a language tag", refusal.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(matches, $"the pattern does not match '{value}'");
            Assert.Equal(name, DocumentLanguages.Check(value));
        }
    }

    [Fact]
    public void NoLanguage_StaysNone() => Assert.Null(DocumentLanguages.Check(null));
}
