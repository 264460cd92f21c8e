using System.Text;
using System.Text.Json.Nodes;
using Cdp.Core.Privacy;
using Cdp.Functions.Authorization;
using Cdp.Functions.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>
/// The privacy HTTP functions called as the worker calls them: a real request carrying the principal App Service
/// authentication would pass in <c>X-MS-CLIENT-PRINCIPAL</c>, and the Durable client the <c>[DurableClient]</c> binding gives.
/// </summary>
internal sealed class PrivacyApi(FunctionsHarness harness, DurableTaskClient durable)
{
    public const string CallerId = "5b1e0c6e-9a43-4c5e-8f0b-6d2a1c0e9f31";

    /// <summary>The Entra ID principal of a compliance tool holding <paramref name="roles"/>, as App Service encodes it.</summary>
    public static string Principal(string callerId, params string[] roles)
    {
        var claims = new JsonArray { new JsonObject { ["typ"] = "http://schemas.microsoft.com/identity/claims/objectidentifier", ["val"] = callerId } };
        foreach (var role in roles)
        {
            claims.Add(new JsonObject { ["typ"] = "roles", ["val"] = role });
        }

        var principal = new JsonObject { ["auth_typ"] = "aad", ["claims"] = claims, ["name_typ"] = "name", ["role_typ"] = "roles" };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(principal.ToJsonString()));
    }

    /// <summary><c>POST /api/privacy/requests</c> with an OpenDSR body.</summary>
    public async Task<Answer> SubmitAsync(byte[] openDsrBody)
    {
        var request = Authorized(HttpRequests.Build("POST", "/api/privacy/requests", openDsrBody, null, "application/json"));
        var result = await harness.Create<PrivacyFunctions>().Submit(request, durable, CancellationToken.None);
        return await result.ExecuteAsync(request);
    }

    /// <summary><c>GET /api/privacy/requests/{id}</c>.</summary>
    public Task<Answer> GetAsync(string id) =>
        CallAsync($"/api/privacy/requests/{id}", (f, r) => f.Get(r, id, CancellationToken.None));

    /// <summary><c>GET /api/privacy/requests/{id}/results</c>.</summary>
    public Task<Answer> ResultsAsync(string id) =>
        CallAsync($"/api/privacy/requests/{id}/results", (f, r) => f.Results(r, id, CancellationToken.None));

    /// <summary><c>GET /api/privacy/requests/{id}/certificate</c>.</summary>
    public Task<Answer> CertificateAsync(string id) =>
        CallAsync($"/api/privacy/requests/{id}/certificate", (f, r) => f.Certificate(r, id, CancellationToken.None));

    /// <summary>
    /// Submits the request, waits (bounded) for its orchestration to finish and returns what <c>GET</c> then answers.
    /// The orchestration, not the request's status, is waited on: the last status callback goes out after the request
    /// reads completed.
    /// </summary>
    public async Task<Answer> SubmitAndWaitAsync(byte[] openDsrBody, string requestId, TimeSpan? timeout = null)
    {
        var submitted = await SubmitAsync(openDsrBody);
        Assert.True(submitted.Status == StatusCodes.Status201Created, $"submit answered {submitted.Status}: {submitted.Body}");
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var stored = await harness.Get<IPrivacyRequestStore>().GetAsync(requestId, CancellationToken.None);
        var instanceId = stored!.Value.Value.WorkflowInstanceId();
        var done = await durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, deadline.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{instanceId} ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorType}: {done.FailureDetails?.ErrorMessage}");
        return await GetAsync(requestId);
    }

    private async Task<Answer> CallAsync(string path, Func<PrivacyFunctions, HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>> call)
    {
        var request = Authorized(HttpRequests.Get(path));
        var result = await call(harness.Create<PrivacyFunctions>(), request);
        return await result.ExecuteAsync(request);
    }

    private static HttpRequest Authorized(HttpRequest request)
    {
        request.Headers[AppServicePrincipalCallers.PrincipalHeader] = Principal(CallerId, PrivacyAccess.ManageRole);
        return request;
    }
}
