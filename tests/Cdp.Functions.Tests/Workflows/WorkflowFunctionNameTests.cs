using Cdp.Core.Workflows;
using Cdp.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// Durable Functions dispatches by name: a workflow or activity Core registers without a [Function] of the same name
/// fails only in Azure, at run time. These tests make it fail here.
/// </summary>
public sealed class WorkflowFunctionNameTests
{
    private static WorkflowRegistry Registry()
    {
        var harness = new FunctionsHarness();
        return harness.Services.GetRequiredService<WorkflowRegistry>();
    }

    [Fact]
    public void Orchestrators_MatchCoreWorkflows_OneForOne()
    {
        var registry = Registry();
        Assert.Equal(
            registry.WorkflowNames.Order(StringComparer.Ordinal),
            FunctionCatalog.Orchestrators.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var orchestrator in FunctionCatalog.Orchestrators)
        {
            var workflow = registry.GetWorkflow(orchestrator.Name);
            Assert.True(workflow.OutputType == orchestrator.OutputType,
                $"orchestrator function {orchestrator.Name} returns {orchestrator.OutputType?.Name}, its workflow {workflow.OutputType.Name}");
        }
    }

    [Fact]
    public void ActivityFunctions_MatchCoreActivities_NameInputAndOutput()
    {
        var activities = Registry().Activities;
        var functions = FunctionCatalog.Activities;
        var missing = activities.Keys.Except(functions.Select(f => f.Name)).Order(StringComparer.Ordinal).ToList();
        var extra = functions.Select(f => f.Name).Except(activities.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"Core activities without an activity function: {string.Join(", ", missing)}");
        Assert.True(extra.Count == 0, $"activity functions Core does not register: {string.Join(", ", extra)}");
        Assert.Equal(functions.Count, functions.Select(f => f.Name).Distinct().Count());

        using var scope = new FunctionsHarness().Services.CreateScope();
        foreach (var function in functions)
        {
            var activity = (IActivity)scope.ServiceProvider.GetRequiredService(activities[function.Name]);
            Assert.True(activity.InputType == function.InputType,
                $"activity function {function.Name} takes {function.InputType?.Name}, the activity {activity.InputType.Name}");
            Assert.True(activity.OutputType == function.OutputType,
                $"activity function {function.Name} returns {function.OutputType?.Name}, the activity {activity.OutputType.Name}");
        }
    }
}
