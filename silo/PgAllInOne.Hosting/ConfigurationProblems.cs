using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PgAllInOne.Hosting;

/// <summary>
/// Reads every option the silo binds from configuration once, before anything starts, and says what is wrong with the
/// configuration as one line per problem (the key, the value and what is accepted) instead of a stack trace.
/// </summary>
public static partial class ConfigurationProblems
{
    /// <summary>The problems of the configuration the host was built with; empty when it can start.</summary>
    public static IReadOnlyList<string> Find(IServiceCollection registrations, IServiceProvider services)
    {
        var problems = new List<string>();
        var optionTypes = registrations
            .Select(r => r.ServiceType)
            .Where(t => t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>) || t.GetGenericTypeDefinition() == typeof(IValidateOptions<>)))
            .Select(t => t.GetGenericArguments()[0])
            .Where(t => !t.ContainsGenericParameters)
            .Distinct();
        foreach (var type in optionTypes)
        {
            foreach (var name in OptionNames(services, type))
            {
                problems.AddRange(Read(services, type, name));
            }
        }

        if (problems.Count == 0)
        {
            // Orleans' own checks of its options, which it would otherwise run as the silo starts.
            try
            {
                foreach (var validator in services.GetServices<IConfigurationValidator>())
                {
                    validator.ValidateConfiguration();
                }
            }
            catch (Exception exception)
            {
                // Anything that is not about configuration surfaces again, with its details, when Orleans runs the check.
                problems.AddRange(Describe(exception));
            }
        }

        return problems.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The configuration problems an exception stands for, one line each; empty when it is about something else.</summary>
    public static IReadOnlyList<string> Describe(Exception exception)
    {
        switch (exception)
        {
            case TargetInvocationException { InnerException: { } inner }:
                return Describe(inner);
            case AggregateException aggregate:
                return aggregate.InnerExceptions.SelectMany(Describe).ToList();
            case OptionsValidationException validation:
                return validation.Failures.Select(OneLine).ToList();
            case OrleansConfigurationException orleans:
                return [OneLine(orleans.Message)];
            case PgAllInOne.Postgres.PostgresCertificateException certificate:
                return [OneLine(certificate.Message)];
            case InvalidOperationException conversion when ConversionFailure().Match(conversion.Message) is { Success: true } match:
                return [$"{match.Groups["key"].Value} is '{match.Groups["value"].Value}', but must be {Accepted(match.Groups["type"].Value)}."];
        }

        return exception.InnerException is { } cause ? Describe(cause) : [];
    }

    private static IEnumerable<string> OptionNames(IServiceProvider services, Type type)
    {
        var sources = services.GetServices(typeof(IOptionsChangeTokenSource<>).MakeGenericType(type));
        var nameProperty = typeof(IOptionsChangeTokenSource<>).MakeGenericType(type).GetProperty(nameof(IOptionsChangeTokenSource<object>.Name))!;
        return sources.Select(s => (string?)nameProperty.GetValue(s) ?? Options.DefaultName).Append(Options.DefaultName).Distinct(StringComparer.Ordinal);
    }

    private static IReadOnlyList<string> Read(IServiceProvider services, Type type, string name)
    {
        var monitorType = typeof(IOptionsMonitor<>).MakeGenericType(type);
        var get = monitorType.GetMethod(nameof(IOptionsMonitor<object>.Get), [typeof(string)])!;
        try
        {
            get.Invoke(services.GetRequiredService(monitorType), [name]);
            return [];
        }
        catch (Exception exception) when (Describe(exception) is { Count: > 0 } described)
        {
            return described;
        }
    }

    private static string Accepted(string typeName)
    {
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is { IsEnum: true })
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }

        return type?.FullName switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => string.Create(CultureInfo.InvariantCulture, $"a number such as {1.5}"),
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration such as 00:00:30 ([d.]hh:mm:ss[.fffffff])",
            "System.Uri" => "an absolute URI",
            "System.Net.IPAddress" => "an IP address",
            _ => $"a value of type {typeName}",
        };
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    // Microsoft.Extensions.Configuration.Binder's wording for a value that does not convert to the property's type.
    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();
}
