using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace PgAllInOne.Runtime.Serialization;

/// <summary>
/// The copy boundary between callers and grains: immutable values pass as they are, anything else is copied through
/// JSON so that no mutable object is ever shared between a caller and a grain.
/// </summary>
internal static class DeepCopier
{
    private static readonly ConcurrentDictionary<Type, bool> Immutability = new();

    /// <summary>
    /// Web defaults, plus NaN and infinities as named literals: a non-finite number must reach the grain that
    /// rejects it with a clear message, not fail in transit.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString | System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>True when values declared as <paramref name="type"/> never need a copy, whatever their runtime type.</summary>
    public static bool IsAlwaysImmutable(Type type) =>
        (type.IsValueType || type.IsSealed || type == typeof(string)) && IsImmutable(type);

    public static T Copy<T>(T value) => value is null ? value : (T)CopyObject(value, typeof(T))!;

    /// <summary>
    /// Copies by the value's own type, except where that type cannot be rebuilt (a compiler-made collection behind an
    /// <c>IReadOnlyList&lt;T&gt;</c>, say): then by the declared type, which JSON knows how to make.
    /// </summary>
    public static object? CopyObject(object? value, Type declaredType)
    {
        if (value is null)
        {
            return null;
        }

        var type = value.GetType();
        if (IsImmutable(type))
        {
            return value;
        }

        if (!type.IsVisible && declaredType != typeof(object))
        {
            type = declaredType;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type, Options);
        return JsonSerializer.Deserialize(bytes, type, Options);
    }

    public static bool IsImmutable(Type type)
    {
        if (Immutability.TryGetValue(type, out var known))
        {
            return known;
        }

        // Assume immutable while the type's own fields are examined, so self-referencing types terminate.
        Immutability[type] = true;
        var result = Classify(type);
        Immutability[type] = result;
        return result;
    }

    private static bool Classify(Type type)
    {
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)
            || type == typeof(Guid) || type == typeof(DateOnly) || type == typeof(TimeOnly)
            || type == typeof(CancellationToken) || type == typeof(Uri) || type == typeof(Version))
        {
            return true;
        }

        if (type.IsDefined(typeof(ImmutableAttribute), inherit: false) || typeof(IGrain).IsAssignableFrom(type))
        {
            return true;
        }

        if (type.IsArray || type.IsPointer || type.IsInterface || type.IsAbstract || type == typeof(object))
        {
            return false;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return IsImmutable(underlying);
        }

        if (type.IsGenericType && type.Namespace == "System.Collections.Immutable")
        {
            return type.GetGenericArguments().All(IsImmutable);
        }

        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !type.IsGenericType)
        {
            // Framework types are taken at their word only when listed above.
            return false;
        }

        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!field.IsInitOnly || !IsImmutable(field.FieldType))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
