using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions.Profiles;

/// <summary>The one place a <see cref="LookupResult"/> becomes an HTTP answer (the local host maps it alike).</summary>
internal static class ProfileResponses
{
    public static IActionResult From(LookupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Status switch
        {
            LookupStatus.Found => JsonResponse.Raw(
                StatusCodes.Status200OK, JsonSerializer.Serialize(result.Profile!, CdpJsonContext.Default.Profile)),
            LookupStatus.Invalid => Error(StatusCodes.Status400BadRequest, result.Error!),
            _ => Error(StatusCodes.Status404NotFound, result.Error!),
        };
    }

    private static ContentResult Error(int statusCode, string error) =>
        JsonResponse.Object(statusCode, w => w.WriteString("error", error));
}
