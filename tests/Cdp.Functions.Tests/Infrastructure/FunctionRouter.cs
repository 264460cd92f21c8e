using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Moq;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>
/// Routes a request to the app's HTTP function as the Functions host would (method and route template, the most
/// literal template first), binds its parameters, runs it and executes its answer: the Functions app as a client sees it.
/// </summary>
internal sealed class FunctionRouter(FunctionsHarness harness, DurableTaskClient? durable = null)
{
    private static readonly IReadOnlyList<(FunctionMethod Function, HttpTriggerAttribute Trigger, RouteTemplate Template)> Routes =
        [.. FunctionCatalog.WithTrigger<HttpTriggerAttribute>()
            .Select(f => (Function: f, Trigger: f.Trigger!.GetCustomAttribute<HttpTriggerAttribute>()!))
            .Select(f => (f.Function, f.Trigger, Template: TemplateParser.Parse(f.Trigger.Route ?? f.Function.Name)))
            .OrderByDescending(r => r.Template.Segments.Count(s => s.IsSimple && s.Parts[0].IsLiteral))];

    /// <summary>Null when no function has that method and route (the Functions host answers 404 itself).</summary>
    public async Task<Answer?> SendAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (function, trigger, template) in Routes)
        {
            var values = new RouteValueDictionary();
            if (trigger.Methods?.Any(m => m.Equals(request.Method, StringComparison.OrdinalIgnoreCase)) != true
                || !new TemplateMatcher(template, new RouteValueDictionary()).TryMatch(request.Path, values))
            {
                continue;
            }

            var arguments = function.Method.GetParameters().Select(p => Bind(p, request, values)).ToArray();
            var result = await FunctionCatalog.InvokeAsync(function, harness.Services, arguments);
            return await ((IActionResult)result!).ExecuteAsync(request);
        }

        return null;
    }

    private object? Bind(ParameterInfo parameter, HttpRequest request, RouteValueDictionary values) => parameter.ParameterType switch
    {
        var t when t == typeof(HttpRequest) => request,
        var t when t == typeof(string) => values.TryGetValue(parameter.Name!, out var value) ? value?.ToString() : null,
        var t when t == typeof(DurableTaskClient) => durable ?? new Mock<DurableTaskClient>("parity").Object,
        var t when t == typeof(FunctionContext) => new Mock<FunctionContext>().Object,
        var t when t == typeof(CancellationToken) => CancellationToken.None,
        var t => throw new InvalidOperationException($"no test binding for a {t.Name} parameter"),
    };
}
