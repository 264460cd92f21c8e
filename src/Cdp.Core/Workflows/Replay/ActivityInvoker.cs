using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Workflows.Replay;

/// <summary>Runs one attempt of an activity by name: a fresh scope, the input read from JSON, the output written to JSON.</summary>
public sealed class ActivityInvoker(IServiceScopeFactory scopes, WorkflowRegistry registry)
{
    public async Task<string> InvokeAsync(string name, string inputJson, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var activity = registry.ResolveActivity(scope.ServiceProvider, name);
        var input = WorkflowJson.Deserialize(inputJson, activity.InputType);
        var output = await activity.RunAsync(input, cancellationToken);
        return WorkflowJson.Serialize(output, activity.OutputType);
    }
}
