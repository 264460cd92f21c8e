using System.Globalization;

namespace Cdp.Core.Privacy;

/// <summary>What a results route serves: the file, or the refusal (400 or 404) saying why there is none.</summary>
public sealed record PrivacyResultsAnswer(PrivacyResultsFile? File, PrivacyResult? Refusal);

/// <summary>A page of requests, or why the query was refused (a 400).</summary>
public sealed record PrivacyListAnswer(PrivacyRequestPage? Page, string? Error);

/// <summary>The read side of the privacy API as both hosts serve it: the same checks, the same messages.</summary>
public sealed partial class PrivacyRequests
{
    public const int DefaultPageSize = 50;

    /// <summary>A submission's body: JSON of at most 128 KB (50 identities and 10 callback URLs fit with room to spare).</summary>
    public static readonly Http.BodyRules Body = new(128 * 1024, AllowTextPlain: false, "a privacy request");

    /// <summary>
    /// A completed request's results: the access package (<paramref name="format"/> <c>ndjson</c>: portability's events)
    /// or, with <paramref name="certificateOnly"/>, an erasure's certificate.
    /// </summary>
    public async Task<PrivacyResultsAnswer> ResultsAsync(string id, string? format, bool certificateOnly, CancellationToken cancellationToken)
    {
        if (format is not (null or "" or "json" or "ndjson"))
        {
            return Refuse(PrivacyResult.Invalid("format must be json or ndjson"));
        }

        var found = await GetAsync(id, cancellationToken);
        if (found.Request is not { } request)
        {
            return Refuse(found);
        }

        if (certificateOnly && request.Type != PrivacyRequestTypes.Erasure)
        {
            return Refuse(PrivacyResult.NotFound($"request {request.Id} is an {request.Type} request; only erasure requests have a certificate"));
        }

        if (request.Status != PrivacyRequestStatuses.Completed)
        {
            return Refuse(PrivacyResult.NotFound($"request {request.Id} is {request.Status}; its results are ready once it is completed"));
        }

        return await ReadResultsAsync(request.Id, format, cancellationToken) is { } file
            ? new PrivacyResultsAnswer(file, null)
            : Refuse(PrivacyResult.NotFound($"request {request.Id} has no {(string.IsNullOrEmpty(format) ? "json" : format)} results"));
    }

    /// <summary>Requests, newest received first, from the query's <c>page_size</c> and <c>continuation</c> as sent.</summary>
    public async Task<PrivacyListAnswer> ListAsync(string? pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var size = DefaultPageSize;
        if (!string.IsNullOrEmpty(pageSize)
            && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            return new PrivacyListAnswer(null, $"page_size must be a whole number from 1 to {MaxPageSize}");
        }

        var token = string.IsNullOrEmpty(continuation) ? null : continuation;
        try
        {
            return new PrivacyListAnswer(await ListAsync(size, token, cancellationToken), null);
        }
        catch (ArgumentException) when (token is not null)
        {
            // The store refuses a token it did not issue: the caller's input, not a fault.
            return new PrivacyListAnswer(null, "continuation is not a token this list returned");
        }
    }

    private static PrivacyResultsAnswer Refuse(PrivacyResult refusal) => new(null, refusal);
}
