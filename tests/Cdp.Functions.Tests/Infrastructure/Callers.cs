using System.Reflection;
using Cdp.Core.Authorization;
using Cdp.Functions.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Moq;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>Requests signed in as App Service authentication would pass them on, and the app's management functions.</summary>
internal static class Callers
{
    public const string ToolId = "9a4e2f10-5b6c-4d7e-8f90-a1b2c3d4e5f6";

    /// <summary>The request, as a caller (an Entra object id) holding <paramref name="roles"/>.</summary>
    public static HttpRequest As(this HttpRequest request, params string[] roles) => request.AsCaller(ToolId, roles);

    public static HttpRequest AsCaller(this HttpRequest request, string objectId, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers[AppServicePrincipalCallers.PrincipalHeader] = PrivacyApi.Principal(objectId, roles);
        return request;
    }

    /// <summary>The request, as a caller holding every role.</summary>
    public static HttpRequest AsAdmin(this HttpRequest request) => request.As([.. ApiRoles.All]);
}

/// <summary>An HTTP function with its trigger's method and route, as the worker's indexer reads them.</summary>
internal sealed record HttpFunction(FunctionMethod Function, string Method, string Route)
{
    /// <summary>Every HTTP function but ingestion (<c>v1/...</c>, write keys) and the health probe: the routes that need a role.</summary>
    public static IReadOnlyList<HttpFunction> Management => [.. All.Where(f => !f.Route.StartsWith("v1/", StringComparison.Ordinal) && f.Route != "health")];

    public static IReadOnlyList<HttpFunction> All => [.. FunctionCatalog.WithTrigger<HttpTriggerAttribute>().SelectMany(f =>
    {
        var trigger = f.Trigger!.GetCustomAttribute<HttpTriggerAttribute>()!;
        return trigger.Methods!.Select(m => new HttpFunction(f, m.ToUpperInvariant(), trigger.Route!));
    })];

    /// <summary>How the audit names it: <c>GET /api/profiles/{id}</c>.</summary>
    public string AuditRoute => $"{Method} /{Route}";

    public override string ToString() => $"{Function.Name} ({AuditRoute})";

    /// <summary>A request for this route with <paramref name="id"/> in place of <c>{id}</c> and, for writes, a small JSON body.</summary>
    public HttpRequest Request(string id)
    {
        var body = Method is "POST" or "PUT" ? "{}"u8.ToArray() : null;
        return HttpRequests.Build(Method, "/" + Route.Replace("{id}", id, StringComparison.Ordinal), body, null, body is null ? null : "application/json");
    }

    /// <summary>Calls the function as the worker would, binding the request, <c>{id}</c>, a Durable client and the token.</summary>
    public async Task<Answer> InvokeAsync(FunctionsHarness harness, HttpRequest request, string id)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var arguments = Function.Method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => request,
            var t when t == typeof(string) => id,
            var t when t == typeof(DurableTaskClient) => new Mock<DurableTaskClient>("test").Object,
            var t when t == typeof(CancellationToken) => (object)CancellationToken.None,
            var t => throw new InvalidOperationException($"{Function.Name}: no test value for a {t.Name} parameter"),
        }).ToArray();
        var result = (IActionResult)(await FunctionCatalog.InvokeAsync(Function, harness.Services, arguments))!;
        return await result.ExecuteAsync(request);
    }
}
