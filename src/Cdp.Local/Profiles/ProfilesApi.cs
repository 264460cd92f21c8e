using System.Globalization;
using Cdp.Core;
using Cdp.Core.Profiles;
using Cdp.Local.Ingestion;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cdp.Local.Profiles;

/// <summary>Read side for marketers and tests: a profile by id or by any identifier, its timeline, and the health probe.</summary>
public static class ProfilesApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        var profiles = app.MapGroup("/api/profiles");
        profiles.MapGet(string.Empty, LookupAsync);
        profiles.MapGet("/{id}", GetAsync);
        profiles.MapGet("/{id}/events", GetEventsAsync);
        profiles.MapGet("/{id}/history", GetHistoryAsync);
        app.MapGet("/health", HealthAsync);
        return app;
    }

    public static async Task<Results<JsonHttpResult<Profile>, JsonHttpResult<ErrorResponse>>> GetAsync(
        string id, ProfileLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return ToHttp(await lookup.GetAsync(id, cancellationToken));
    }

    /// <summary>Look-up by identifier: Core normalizes and hashes the value as ingestion does, so it finds what ingestion linked.</summary>
    public static async Task<Results<JsonHttpResult<Profile>, JsonHttpResult<ErrorResponse>>> LookupAsync(
        string? identifierType, string? value, ProfileLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return ToHttp(await lookup.FindAsync(identifierType, value, cancellationToken));
    }

    public static async Task<Results<JsonHttpResult<TimelinePageResponse>, JsonHttpResult<ErrorResponse>>> GetEventsAsync(
        string id,
        string? pageSize,
        string? continuation,
        ProfileLookup lookup,
        ITimelineStore timeline,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(timeline);
        var size = DefaultPageSize;
        if (pageSize is not null
            && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            return Error(StatusCodes.Status400BadRequest, $"pageSize must be a whole number from 1 to {MaxPageSize}");
        }

        var found = await lookup.GetAsync(id, cancellationToken);
        if (found.Profile is not { } profile)
        {
            return Error(StatusCodes.Status404NotFound, found.Error ?? "no profile with that id");
        }

        TimelinePage page;
        try
        {
            page = await timeline.GetPageAsync(profile.Id, size, string.IsNullOrEmpty(continuation) ? null : continuation, cancellationToken);
        }
        catch (ArgumentException) when (!string.IsNullOrEmpty(continuation))
        {
            // The store refuses a token it did not issue: the caller's input, not a fault.
            return Error(StatusCodes.Status400BadRequest, "continuation is not a token this timeline returned");
        }

        return TypedResults.Json(
            new TimelinePageResponse(profile.Id, page.Events, page.ContinuationToken),
            LocalJsonContext.Default.TimelinePageResponse);
    }

    /// <summary>Merges and identifier changes of the live profile (a merged-away id leads to its survivor's history).</summary>
    public static async Task<Results<JsonHttpResult<ProfileHistoryResponse>, JsonHttpResult<ErrorResponse>>> GetHistoryAsync(
        string id, ProfileLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var found = await lookup.GetAsync(id, cancellationToken);
        return found.Profile is { } profile
            ? TypedResults.Json(new ProfileHistoryResponse(profile.Id, profile.History), LocalJsonContext.Default.ProfileHistoryResponse)
            : Error(StatusCodes.Status404NotFound, found.Error ?? "no profile with that id");
    }

    public static async Task<JsonHttpResult<HealthResponse>> HealthAsync(ILocalOutbox outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        var queued = await outbox.CountAsync(cancellationToken);
        return TypedResults.Json(new HealthResponse("healthy", queued), LocalJsonContext.Default.HealthResponse);
    }

    /// <summary>The one place a look-up outcome becomes HTTP.</summary>
    private static Results<JsonHttpResult<Profile>, JsonHttpResult<ErrorResponse>> ToHttp(LookupResult result) => result.Status switch
    {
        LookupStatus.Found => TypedResults.Json(result.Profile!, CdpJsonContext.Default.Profile),
        LookupStatus.Invalid => Error(StatusCodes.Status400BadRequest, result.Error!),
        _ => Error(StatusCodes.Status404NotFound, result.Error!),
    };

    private static JsonHttpResult<ErrorResponse> Error(int statusCode, string message) =>
        TypedResults.Json(new ErrorResponse(message), LocalJsonContext.Default.ErrorResponse, statusCode: statusCode);
}
