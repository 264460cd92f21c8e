using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Workflows;

/// <summary>Marks a type registered by <see cref="WorkflowServiceCollectionExtensions.AddWorkflowActivity{TActivity}"/>.</summary>
public sealed record ActivityRegistration(Type ActivityType);

/// <summary>Finds workflows and activities by name, for hosts that dispatch by name (the local runner, the Functions adapter).</summary>
public sealed class WorkflowRegistry
{
    private readonly FrozenDictionary<string, IWorkflow> _workflows;
    private readonly Lazy<FrozenDictionary<string, Type>> _activityTypes;

    public WorkflowRegistry(IEnumerable<IWorkflow> workflows, IEnumerable<ActivityRegistration> activities, IServiceScopeFactory scopes)
    {
        _workflows = ByName(workflows, w => w.Name, "workflow");
        var registrations = activities.Select(a => a.ActivityType).Distinct().ToList();

        // An activity's name is an instance property, so each type is built once, in a scope, to learn it.
        _activityTypes = new Lazy<FrozenDictionary<string, Type>>(() =>
        {
            using var scope = scopes.CreateScope();
            return ByName(registrations, t => ((IActivity)scope.ServiceProvider.GetRequiredService(t)).Name, "activity");
        });
    }

    public IReadOnlyCollection<string> WorkflowNames => _workflows.Keys;

    /// <summary>Every registered activity's name and type (what a host must expose, e.g. as Durable activity functions).</summary>
    public IReadOnlyDictionary<string, Type> Activities => _activityTypes.Value;

    /// <exception cref="ArgumentException">No workflow has that name.</exception>
    public IWorkflow GetWorkflow(string name) =>
        TryGetWorkflow(name) ?? throw new ArgumentException($"No workflow named '{name}' is registered.", nameof(name));

    public IWorkflow? TryGetWorkflow(string name) => _workflows.GetValueOrDefault(name);

    /// <summary>Resolves the activity from <paramref name="scopedServices"/> (a scope per call, so activities may use scoped services).</summary>
    /// <exception cref="InvalidOperationException">No activity has that name.</exception>
    public IActivity ResolveActivity(IServiceProvider scopedServices, string name)
    {
        ArgumentNullException.ThrowIfNull(scopedServices);
        return _activityTypes.Value.TryGetValue(name, out var type)
            ? (IActivity)scopedServices.GetRequiredService(type)
            : throw new InvalidOperationException($"No activity named '{name}' is registered.");
    }

    private static FrozenDictionary<string, TValue> ByName<TValue>(IEnumerable<TValue> items, Func<TValue, string> name, string kind)
    {
        var map = new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!map.TryAdd(name(item), item))
            {
                throw new InvalidOperationException($"Two {kind} registrations share the name '{name(item)}'.");
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
