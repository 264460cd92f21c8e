using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>Real ASP.NET Core requests for HTTP functions, and their answers executed as the worker executes them.</summary>
internal static class HttpRequests
{
    public static HttpRequest Post(string path, string body, string? authorization = null, string contentType = "application/json") =>
        Build("POST", path, Encoding.UTF8.GetBytes(body), authorization, contentType);

    public static HttpRequest Put(string path, string body, string? authorization = null) =>
        Build("PUT", path, Encoding.UTF8.GetBytes(body), authorization, "application/json");

    public static HttpRequest Get(string path, string? authorization = null) => Build("GET", path, null, authorization, null);

    public static HttpRequest Delete(string path, string? authorization = null) => Build("DELETE", path, null, authorization, null);

    public static HttpRequest Build(string method, string pathAndQuery, byte[]? body, string? authorization, string? contentType)
    {
        var context = new DefaultHttpContext { RequestServices = ResponseServices };
        var request = context.Request;
        request.Method = method;
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        request.Scheme = "https";
        request.Host = new HostString("cdp.example.net");
        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }

        if (contentType is not null)
        {
            request.ContentType = contentType;
        }

        if (body is not null)
        {
            request.Body = new MemoryStream(body);
            request.ContentLength = body.Length;
        }

        context.Response.Body = new MemoryStream();
        return request;
    }

    /// <summary>Runs the function's result against the request's response, as the worker's ASP.NET Core integration does.</summary>
    public static async Task<Answer> ExecuteAsync(this IActionResult result, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(request);
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return new Answer(context.Response.StatusCode, context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), text);
    }

    private static IServiceProvider ResponseServices { get; } = new ServiceCollection()
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .AddMvcCore().Services
        .BuildServiceProvider();
}

/// <summary>What the client receives: status, headers and body.</summary>
internal sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
