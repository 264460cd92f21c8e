using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.RegularExpressions;
using Cdp.Azure;
using Cdp.Core;
using Cdp.Core.Destinations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Cdp.Functions.Tests.Infra;

/// <summary>A setting the app cannot start or run without, and where in the code that need comes from.</summary>
/// <param name="Key">The setting as an environment variable / app setting (<c>:</c> written <c>__</c>).</param>
/// <param name="AnyChildWill">Whether a key under it (<c>Key__...</c>, an identity-based connection) satisfies it too.</param>
internal sealed record BoundSetting(string Key, string Source, bool AnyChildWill = false)
{
    public bool IsMetBy(IReadOnlyCollection<string> keys) =>
        keys.Any(k => string.Equals(k, Key, StringComparison.OrdinalIgnoreCase)
            || (AnyChildWill && k.StartsWith(Key + "__", StringComparison.OrdinalIgnoreCase)));
}

/// <summary>
/// What the Functions app binds, read from its code rather than from a list kept by hand: the trigger attributes'
/// %placeholders% and connections, host.json's %placeholders%, and the options classes (those with a SectionName).
/// </summary>
internal static partial class BoundSettings
{
    /// <summary>The Functions host's own storage (and Durable Functions' default): needed whatever the code says.</summary>
    public const string HostStorage = "AzureWebJobsStorage";

    private static readonly Assembly[] Assemblies =
        [typeof(Program).Assembly, typeof(CdpAzureOptions).Assembly, typeof(CoreServiceCollectionExtensions).Assembly];

    /// <summary>Every setting that must be present: the host's, the bindings', and each [Required] option with no default.</summary>
    public static IReadOnlyList<BoundSetting> Required() =>
    [
        new(HostStorage, "the Functions host", AnyChildWill: true),
        .. FromBindings(),
        .. FromHostJson(),
        .. FromOptions(),
    ];

    /// <summary>The options classes the three assemblies bind: types with a public const SectionName.</summary>
    public static IReadOnlyList<(Type Type, string Section)> OptionsTypes() =>
        Assemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => (x.Type, Section: (string)x.Field!.GetRawConstantValue()!))
            .ToList();

    /// <summary>
    /// Options whose section is bound to one of their properties rather than to the class itself, because the section is
    /// a dictionary whose keys the operator chooses: AddDestinations binds <c>Cdp:Destinations</c> into
    /// <see cref="DestinationsOptions.Destinations"/>, so <c>Cdp__Destinations__crm__Url</c> is crm's
    /// <see cref="DestinationSettings.Url"/>. Reflection cannot see where a section is bound; this says it.
    /// </summary>
    private static readonly Dictionary<Type, Type> SectionBoundTo = new()
    {
        [typeof(DestinationsOptions)] = typeof(DestinationsOptions).GetProperty(nameof(DestinationsOptions.Destinations))!.PropertyType,
    };

    /// <summary>
    /// Whether a <c>Cdp__...</c> key names a real options property, walking lists by index (<c>Sources__0__Id</c>) and
    /// dictionaries by key (<c>Identity__Types__email__Limit</c>) the way the configuration binder does.
    /// </summary>
    public static bool NamesAnOption(string key)
    {
        var segments = key.Split("__");
        foreach (var (type, section) in OptionsTypes())
        {
            var prefix = section.Split(':');
            if (segments.Length > prefix.Length
                && prefix.Select((p, i) => string.Equals(p, segments[i], StringComparison.OrdinalIgnoreCase)).All(x => x)
                && Resolves(SectionBoundTo.GetValueOrDefault(type, type), segments.AsSpan(prefix.Length)))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<BoundSetting> FromBindings()
    {
        var functions = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .ToList();

        // Trigger and input bindings sit on parameters; output bindings on the properties of the returned type.
        var onParameters = functions.SelectMany(m => m.GetParameters().SelectMany(p => p.GetCustomAttributes<BindingAttribute>())
            .Select(a => (Attribute: a, Where: $"{m.DeclaringType!.Name}.{m.Name}")));
        var onOutputs = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            .SelectMany(p => p.GetCustomAttributes<BindingAttribute>().Select(a => (Attribute: a, Where: $"{p.DeclaringType!.Name}.{p.Name}")));

        foreach (var (attribute, where) in onParameters.Concat(onOutputs))
        {
            var source = $"[{attribute.GetType().Name}] on {where}";
            foreach (var property in attribute.GetType().GetProperties().Where(p => p.PropertyType == typeof(string) && p.CanRead))
            {
                var value = (string?)property.GetValue(attribute);
                if (string.IsNullOrEmpty(value))
                {
                    continue;
                }

                foreach (Match placeholder in Placeholder().Matches(value))
                {
                    yield return new BoundSetting(placeholder.Groups[1].Value, source);
                }

                if (property.Name is "Connection" or "ConnectionName" && !Placeholder().IsMatch(value))
                {
                    // Event Hubs in Azure are reached by identity: the namespace is the one setting that must be there.
                    yield return attribute.GetType().Name.StartsWith("EventHub", StringComparison.Ordinal)
                        ? new BoundSetting(value + "__fullyQualifiedNamespace", source)
                        : new BoundSetting(value, source, AnyChildWill: true);
                }
            }
        }
    }

    private static IEnumerable<BoundSetting> FromHostJson()
    {
        var text = File.ReadAllText(RepositoryRoot.File("src", "Cdp.Functions", "host.json"));
        return Placeholder().Matches(text).Select(m => new BoundSetting(m.Groups[1].Value, "host.json"));
    }

    /// <summary>Properties marked [Required] that a new instance leaves null or empty: start-up fails without them.</summary>
    private static IEnumerable<BoundSetting> FromOptions() =>
        from options in OptionsTypes()
        let instance = Activator.CreateInstance(options.Type)
        from property in options.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.GetCustomAttribute<RequiredAttribute>() is not null && IsEmpty(property.GetValue(instance))
        select new BoundSetting(
            options.Section.Replace(":", "__", StringComparison.Ordinal) + "__" + property.Name,
            $"[Required] {options.Type.Name}.{property.Name}");

    private static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string s => string.IsNullOrWhiteSpace(s),
        ICollection c => c.Count == 0,
        _ => false,
    };

    private static bool Resolves(Type type, ReadOnlySpan<string> segments)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (segments.IsEmpty)
        {
            return IsScalar(type);
        }

        if (IsScalar(type))
        {
            return false;
        }

        if (Dictionary(type) is { } valueType)
        {
            return Resolves(valueType, segments[1..]);
        }

        if (Element(type) is { } elementType)
        {
            return int.TryParse(segments[0], out var index) && index >= 0 && Resolves(elementType, segments[1..]);
        }

        var property = type.GetProperty(segments[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is not null && Resolves(property.PropertyType, segments[1..]);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Uri)
        || type == typeof(TimeSpan) || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid);

    private static Type? Dictionary(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
            ?.GetGenericArguments()[1];

    private static Type? Element(Type type) =>
        type.IsArray
            ? type.GetElementType()
            : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ?.GetGenericArguments()[0];

    [GeneratedRegex("%([A-Za-z0-9_:.-]+)%")]
    private static partial Regex Placeholder();
}
