using System.Text;
using Cdp.Core.Privacy;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Moq;
using System.Reflection;

namespace Cdp.Functions.Tests.Privacy;

/// <summary>
/// Every privacy function refuses a caller without the Privacy.Manage app role, starts nothing and audits the decision.
/// The functions are found by their routes, so a new privacy route cannot forget the check unnoticed.
/// </summary>
public sealed class PrivacyFunctionsAuthorizationTests
{
    public static TheoryData<string, int, string> Callers => new()
    {
        { "none", 401, PrivacyAccess.Anonymous },
        { "garbage", 401, PrivacyAccess.UnknownCaller },
        { "marketer", 403, "marketer-oid" },
    };

    private static IEnumerable<FunctionMethod> PrivacyRoutes => FunctionCatalog.WithTrigger<HttpTriggerAttribute>()
        .Where(f => f.Trigger!.GetCustomAttribute<HttpTriggerAttribute>()!.Route!.StartsWith("api/privacy", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task EveryPrivacyRoute_WithoutTheRole_RefusedAndAudited(string caller, int expected, string actor)
    {
        Assert.True(PrivacyRoutes.Count() >= 8, "the privacy routes were not found");
        foreach (var function in PrivacyRoutes)
        {
            using var harness = new FunctionsHarness();
            var request = Request(function, caller);

            var answer = await InvokeAsync(harness, function, request);

            Assert.True(answer.Status == expected, $"{function.Name}: {answer.Status} {answer.Body}");
            Assert.Contains(PrivacyAccess.ManageRole, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
            var audit = harness.Get<InMemoryPrivacyAuditLog>();
            var entry = Assert.Single(audit.All);
            Assert.Equal(actor, entry.ActorId);
            Assert.Empty((await harness.Get<IPrivacyRequestStore>().ListAsync(10, null, CancellationToken.None)).Requests);
        }
    }

    [Fact]
    public async Task Discovery_WithTheRole_200ListingIdentityTypes()
    {
        using var harness = new FunctionsHarness();
        var request = HttpRequests.Get("/api/privacy/discovery");
        request.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.Compliance;

        var answer = await (await harness.Create<Cdp.Functions.Privacy.PrivacyFunctions>().Discovery(request, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Contains("email", answer.Body, StringComparison.Ordinal);
        Assert.Contains("erasure", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suppression_WithTheRole_200CountingEntriesAndEventsNotCounted()
    {
        using var harness = new FunctionsHarness();
        await harness.Get<ISuppressionList>().AddAsync([new SuppressionEntry("email:k1", "r-1", FunctionsHarness.Start)], CancellationToken.None);
        var request = HttpRequests.Get("/api/privacy/suppression");
        request.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.Compliance;

        var answer = await (await harness.Create<Cdp.Functions.Privacy.PrivacyFunctions>().Suppression(request, CancellationToken.None)).ExecuteAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Json.GetProperty("suppressed_identities").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.Json.GetProperty("suppressed_events").ValueKind);
    }

    [Theory]
    [InlineData("text/plain", """{"regulation":"gdpr"}""", 415, "application/json")]
    [InlineData("application/json", "{not json", 400, "")]
    [InlineData("application/json", """{"regulation":"gdpr","subject_request_type":"erasure"}""", 400, "subject_request_id")]
    public async Task Submit_BadRequest_ClearErrorAndNothingStored(string contentType, string body, int expected, string named)
    {
        using var harness = new FunctionsHarness();
        var request = HttpRequests.Post("/api/privacy/requests", body, contentType: contentType);
        request.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.Compliance;

        var result = await harness.Create<Cdp.Functions.Privacy.PrivacyFunctions>().Submit(request, new Mock<DurableTaskClient>("test").Object, CancellationToken.None);
        var answer = await result.ExecuteAsync(request);

        Assert.Equal(expected, answer.Status);
        Assert.Contains(named, answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await harness.Get<IPrivacyRequestStore>().ListAsync(10, null, CancellationToken.None)).Requests);
    }

    [Fact]
    public async Task Submit_OverTheSizeLimit_413()
    {
        using var harness = new FunctionsHarness();
        var request = HttpRequests.Post("/api/privacy/requests", "{\"pad\":\"" + new string('x', 200 * 1024) + "\"}");
        request.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.Compliance;

        var result = await harness.Create<Cdp.Functions.Privacy.PrivacyFunctions>().Submit(request, new Mock<DurableTaskClient>("test").Object, CancellationToken.None);

        Assert.Equal(413, (await result.ExecuteAsync(request)).Status);
    }

    private static HttpRequest Request(FunctionMethod function, string caller)
    {
        var method = function.Trigger!.GetCustomAttribute<HttpTriggerAttribute>()!.Methods!.Single().ToUpperInvariant();
        var body = method == "POST" ? Encoding.UTF8.GetBytes("""{"regulation":"gdpr"}""") : null;
        var request = HttpRequests.Build(method, "/" + function.Trigger!.GetCustomAttribute<HttpTriggerAttribute>()!.Route, body, null, body is null ? null : "application/json");
        switch (caller)
        {
            case "garbage":
                request.Headers["X-MS-CLIENT-PRINCIPAL"] = "not base64 at all";
                break;
            case "marketer":
                request.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.With("marketer-oid", "Profiles.Read");
                break;
        }

        return request;
    }

    private static async Task<Answer> InvokeAsync(FunctionsHarness harness, FunctionMethod function, HttpRequest request)
    {
        var arguments = function.Method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => request,
            var t when t == typeof(string) => Guid.NewGuid().ToString(),
            var t when t == typeof(DurableTaskClient) => new Mock<DurableTaskClient>("test").Object,
            var t when t == typeof(CancellationToken) => (object)CancellationToken.None,
            var t => throw new InvalidOperationException($"{function.Name}: no test value for a {t.Name} parameter"),
        }).ToArray();
        var result = (IActionResult)(await FunctionCatalog.InvokeAsync(function, harness.Services, arguments))!;
        return await result.ExecuteAsync(request);
    }
}
