using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Http;

/// <summary>
/// The paging query every listing route reads: <c>pageSize</c> (absent means the route's default; otherwise a whole
/// number from 1 to the route's maximum) and <c>continuation</c> (absent or empty means the first page).
/// </summary>
public readonly record struct PageQuery(int Size, string? Continuation)
{
    /// <summary>Null when the query is usable (then <paramref name="page"/> holds it); else the 400 to answer.</summary>
    public static HttpAnswer? Read(HttpRequest request, int defaultSize, int maxSize, out PageQuery page)
    {
        ArgumentNullException.ThrowIfNull(request);
        var size = defaultSize;
        if (request.Query.TryGetValue("pageSize", out var pageSize)
            && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > maxSize))
        {
            page = default;
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, $"pageSize must be a whole number from 1 to {maxSize}");
        }

        var continuation = request.Query["continuation"].ToString();
        page = new PageQuery(size, continuation.Length == 0 ? null : continuation);
        return null;
    }
}
