using Cdp.Core.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Profiles;

/// <summary>The profile API for marketers and tools, behind a function key. Core's look-up follows merges.</summary>
public sealed class ProfileFunctions(ProfileLookup lookup)
{
    /// <summary><c>GET /api/profiles/{id}</c>: the live profile, also when <paramref name="id"/> was merged away.</summary>
    [Function("GetProfile")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/profiles/{id}")] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        ProfileResponses.From(await lookup.GetAsync(id, cancellationToken));

    /// <summary><c>GET /api/profiles?identifierType=email&amp;value=...</c>: normalized and hashed as ingestion does.</summary>
    [Function("FindProfile")]
    public async Task<IActionResult> Find(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/profiles")] HttpRequest req,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        var result = await lookup.FindAsync(req.Query["identifierType"], req.Query["value"], cancellationToken);
        return ProfileResponses.From(result);
    }
}
