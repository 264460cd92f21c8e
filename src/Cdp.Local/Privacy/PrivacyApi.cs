using Cdp.Core.Authorization;
using Cdp.Core.Http;
using Cdp.Core.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cdp.Local.Privacy;

/// <summary>
/// The OpenDSR privacy routes, mapped into the authorized <c>/api</c> group (role <see cref="PrivacyAccess.ManageRole"/>): submit, read, list and cancel requests,
/// the discovery document, a request's results (access package or certificate) and the suppression summary.
/// Core decides everything; this class reads HTTP and maps Core's outcomes to status codes in one place.
/// </summary>
public static class PrivacyApi
{
    /// <summary>Maps <c>/privacy/...</c> into <paramref name="api"/>, the authorized <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder api)
    {
        var privacy = api.MapGroup("/privacy");
        privacy.MapPost("/requests", SubmitAsync);
        privacy.MapGet("/requests", ListAsync);
        privacy.MapGet("/requests/{id}", GetAsync);
        privacy.MapDelete("/requests/{id}", CancelAsync);
        privacy.MapGet("/requests/{id}/results", ResultsAsync);
        privacy.MapGet("/requests/{id}/certificate", CertificateAsync);
        privacy.MapGet("/discovery", Discovery);
        privacy.MapGet("/suppression", Suppression);
        return api;
    }

    public static async Task<IResult> SubmitAsync(HttpContext context, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requests);
        var read = await RequestBodies.ReadAsync(context.Request, PrivacyRequests.Body, cancellationToken);
        if (read.Refused)
        {
            return Error(read.Status, read.Error!);
        }

        var result = await requests.SubmitAsync(read.Body, ApiAuthorization.CallerOf(context).Id, cancellationToken);
        if (result.Outcome == PrivacyOutcome.Created)
        {
            context.Response.Headers.Location = $"/api/privacy/requests/{result.Request!.Id}";
        }

        return ToHttp(result, requests);
    }

    public static async Task<IResult> GetAsync(string id, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return ToHttp(await requests.GetAsync(id, cancellationToken), requests);
    }

    public static async Task<IResult> CancelAsync(string id, HttpContext context, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return ToHttp(await requests.CancelAsync(id, ApiAuthorization.CallerOf(context).Id, cancellationToken), requests);
    }

    /// <summary>Query: <c>page_size</c> (1 to <see cref="PrivacyRequests.MaxPageSize"/>) and <c>continuation</c> from the previous page.</summary>
    public static async Task<IResult> ListAsync(HttpRequest request, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(requests);
        var answer = await requests.ListAsync(request.Query["page_size"].ToString(), request.Query["continuation"].ToString(), cancellationToken);
        if (answer.Page is not { } page)
        {
            return Error(StatusCodes.Status400BadRequest, answer.Error!);
        }

        var list = new PrivacyRequestList(page.Requests.Select(r => PrivacyStatusResponse.From(requests.Status(r))).ToList(), page.ContinuationToken);
        return TypedResults.Json(list, PrivacyApiJsonContext.Default.PrivacyRequestList);
    }

    /// <summary>A completed request's results: the access package (<c>?format=ndjson</c>: portability's events) or, for erasure, the certificate.</summary>
    public static async Task<IResult> ResultsAsync(string id, string? format, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return File(await requests.ResultsAsync(id, format, certificateOnly: false, cancellationToken), requests);
    }

    public static async Task<IResult> CertificateAsync(string id, PrivacyRequests requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return File(await requests.ResultsAsync(id, null, certificateOnly: true, cancellationToken), requests);
    }

    public static JsonHttpResult<OpenDsrDiscovery> Discovery(PrivacyRequests requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return TypedResults.Json(requests.Discovery(), PrivacyJsonContext.Default.OpenDsrDiscovery);
    }

    public static JsonHttpResult<SuppressionSummary> Suppression(SqliteSuppressionList suppressions, SuppressedEventCount suppressed)
    {
        ArgumentNullException.ThrowIfNull(suppressions);
        ArgumentNullException.ThrowIfNull(suppressed);
        return TypedResults.Json(new SuppressionSummary(suppressions.Count(), suppressed.Read()), PrivacyApiJsonContext.Default.SuppressionSummary);
    }

    internal static JsonHttpResult<ErrorResponse> Error(int statusCode, string message) =>
        TypedResults.Json(new ErrorResponse(message), LocalJsonContext.Default.ErrorResponse, statusCode: statusCode);

    private static IResult File(PrivacyResultsAnswer answer, PrivacyRequests requests) =>
        answer.File is { } file ? TypedResults.Bytes(file.Content, file.ContentType) : ToHttp(answer.Refusal!, requests);

    /// <summary>The one place a privacy outcome becomes HTTP.</summary>
    private static IResult ToHttp(PrivacyResult result, PrivacyRequests requests) => result.Outcome switch
    {
        PrivacyOutcome.Created => TypedResults.Json(Status(result, requests), PrivacyApiJsonContext.Default.PrivacyStatusResponse,
            statusCode: StatusCodes.Status201Created),
        PrivacyOutcome.Existing or PrivacyOutcome.Found or PrivacyOutcome.Cancelled =>
            TypedResults.Json(Status(result, requests), PrivacyApiJsonContext.Default.PrivacyStatusResponse),
        PrivacyOutcome.Conflict or PrivacyOutcome.NotCancellable => Error(StatusCodes.Status409Conflict, result.Error!),
        PrivacyOutcome.Invalid => Error(StatusCodes.Status400BadRequest, result.Error!),
        PrivacyOutcome.NotFound => Error(StatusCodes.Status404NotFound, result.Error!),
        _ => throw new InvalidOperationException($"unmapped privacy outcome {result.Outcome}"),
    };

    private static PrivacyStatusResponse Status(PrivacyResult result, PrivacyRequests requests) => PrivacyStatusResponse.From(requests.Status(result.Request!));
}
