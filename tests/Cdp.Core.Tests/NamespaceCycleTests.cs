using System.Reflection;
using Cdp.Core.Events;

namespace Cdp.Core.Tests;

/// <summary>
/// Ingestion, Identity, Privacy, Processing and the event model must not depend on each other in a loop (issue 9).
/// </summary>
/// <remarks>
/// The graph is read by reflection, so it sees what a type's metadata names: base types, interfaces, fields
/// (including captured primary-constructor parameters and the state of compiler-generated async and lambda
/// classes), properties, events, and method, constructor and generic-constraint signatures. It cannot see
/// references that live only inside a method body (a static call, a local, a cast, a <c>new</c> that is not stored),
/// nor <c>using</c> directives or doc-comment crefs, so it can miss a cycle; it cannot report one that is not there.
/// Paths through any other Cdp.Core namespace count (A → Profiles → B is a dependency of A on B).
/// </remarks>
public sealed class NamespaceCycleTests
{
    private const string Root = "Cdp.Core";

    private static readonly string[] MustNotLoop =
    [
        "Cdp.Core.Events", "Cdp.Core.Ingestion", "Cdp.Core.Identity", "Cdp.Core.Privacy", "Cdp.Core.Processing",
    ];

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void CoreNamespaces_ListedCapabilities_DoNotDependOnEachOtherInALoop()
    {
        var graph = BuildGraph(typeof(SegmentEvent).Assembly);

        var loops = new List<string>();
        for (var i = 0; i < MustNotLoop.Length; i++)
        {
            for (var j = i + 1; j < MustNotLoop.Length; j++)
            {
                var (a, b) = (MustNotLoop[i], MustNotLoop[j]);
                if (Reaches(graph, a, b) && Reaches(graph, b, a))
                {
                    loops.Add($"{a} <-> {b}");
                }
            }
        }

        var edges = string.Join(Environment.NewLine, graph.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} -> {string.Join(", ", g.Value.Order(StringComparer.Ordinal))}"));
        Assert.True(loops.Count == 0, $"Namespace loops: {string.Join("; ", loops)}{Environment.NewLine}Graph:{Environment.NewLine}{edges}");
    }

    private static Dictionary<string, HashSet<string>> BuildGraph(Assembly assembly)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (Capability(type) is not { } from)
            {
                continue;
            }

            var targets = graph.TryGetValue(from, out var set) ? set : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var referenced in ReferencedTypes(type).SelectMany(Unwrap))
            {
                if (Capability(referenced) is { } to && to != from)
                {
                    targets.Add(to);
                }
            }
        }

        return graph;
    }

    /// <summary>The first namespace level under Cdp.Core (Cdp.Core.Workflows.Replay counts as Cdp.Core.Workflows).</summary>
    private static string? Capability(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || !ns.StartsWith(Root + ".", StringComparison.Ordinal) || type.Assembly != typeof(SegmentEvent).Assembly)
        {
            return null;
        }

        var dot = ns.IndexOf('.', Root.Length + 1);
        return dot < 0 ? ns : ns[..dot];
    }

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var i in type.GetInterfaces())
        {
            yield return i;
        }

        foreach (var a in type.GetGenericArguments().SelectMany(g => g.IsGenericParameter ? g.GetGenericParameterConstraints() : [g]))
        {
            yield return a;
        }

        foreach (var f in type.GetFields(Declared))
        {
            yield return f.FieldType;
        }

        foreach (var p in type.GetProperties(Declared))
        {
            yield return p.PropertyType;
        }

        foreach (var e in type.GetEvents(Declared))
        {
            if (e.EventHandlerType is { } handler)
            {
                yield return handler;
            }
        }

        foreach (var m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo method)
            {
                yield return method.ReturnType;
            }

            foreach (var p in m.GetParameters())
            {
                yield return p.ParameterType;
            }
        }
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var t in Unwrap(element))
            {
                yield return t;
            }

            yield break;
        }

        if (type.IsGenericParameter)
        {
            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return t;
            }
        }
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var pending = new Stack<string>([from]);
        while (pending.TryPop(out var current))
        {
            foreach (var next in graph.GetValueOrDefault(current) ?? [])
            {
                if (next == to)
                {
                    return true;
                }

                if (seen.Add(next))
                {
                    pending.Push(next);
                }
            }
        }

        return false;
    }
}
