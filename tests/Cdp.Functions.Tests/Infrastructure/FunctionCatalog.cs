using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Microsoft.DurableTask;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>One <c>[Function]</c> method of the app, as the worker's metadata generator sees it.</summary>
internal sealed record FunctionMethod(string Name, MethodInfo Method, ParameterInfo? Trigger)
{
    /// <summary>The activity's input type (the <c>[ActivityTrigger]</c> parameter's type).</summary>
    public Type? InputType => Trigger?.ParameterType;

    /// <summary>What the method's task yields (<c>Task&lt;T&gt;</c> → T).</summary>
    public Type? OutputType => Method.ReturnType.IsGenericType && Method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
        ? Method.ReturnType.GetGenericArguments()[0]
        : null;
}

/// <summary>The Functions app's functions, found by reflection over its assembly as the worker's indexer finds them.</summary>
internal static class FunctionCatalog
{
    public static Assembly App => typeof(FunctionsServiceCollectionExtensions).Assembly;

    public static IReadOnlyList<FunctionMethod> All { get; } =
        [.. App.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m => new FunctionMethod(
                m.GetCustomAttribute<FunctionAttribute>()!.Name,
                m,
                m.GetParameters().FirstOrDefault(p => p.GetCustomAttributes().Any(a => a is BindingAttribute))))];

    public static IReadOnlyList<FunctionMethod> Orchestrators => [.. All.Where(f => f.Trigger?.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null)];

    public static IReadOnlyList<FunctionMethod> Activities => [.. All.Where(f => f.Trigger?.GetCustomAttribute<ActivityTriggerAttribute>() is not null)];

    /// <summary>Functions whose trigger parameter has the given binding attribute (e.g. <see cref="HttpTriggerAttribute"/>).</summary>
    public static IReadOnlyList<FunctionMethod> WithTrigger<TAttribute>()
        where TAttribute : Attribute => [.. All.Where(f => f.Trigger?.GetCustomAttribute<TAttribute>() is not null)];

    /// <summary>Creates the declaring class as the worker does (constructor injection) and invokes the method.</summary>
    public static async Task<object?> InvokeAsync(FunctionMethod function, IServiceProvider services, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(function);
        var method = function.Method;
        var target = method.IsStatic ? null : Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var result = method.Invoke(target, arguments);
        if (result is not Task task)
        {
            return result;
        }

        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }
}

/// <summary>
/// Runs the app's <c>[OrchestrationTrigger]</c> method for real inside the Durable Task test host: the orchestrator body
/// (DurableOrchestrationContext over the host's TaskOrchestrationContext, then Core's workflow) is exactly the app's.
/// </summary>
internal sealed class FunctionOrchestrator(FunctionMethod function, IServiceProvider services, Type inputType) : ITaskOrchestrator
{
    public Type InputType => inputType;

    public Type OutputType => function.OutputType ?? typeof(object);

    public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
        FunctionCatalog.InvokeAsync(function, services, context);
}

/// <summary>Runs the app's <c>[ActivityTrigger]</c> method inside the test host, with the app's dependencies.</summary>
internal sealed class FunctionActivity(FunctionMethod function, IServiceProvider services) : ITaskActivity
{
    public Type InputType => function.InputType!;

    public Type OutputType => function.OutputType ?? typeof(object);

    public Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        var arguments = function.Method.GetParameters()
            .Select(p => p == function.Trigger ? input : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None : (object?)null)
            .ToArray();
        return FunctionCatalog.InvokeAsync(function, services, arguments);
    }
}
