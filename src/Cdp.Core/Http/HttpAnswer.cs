using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Core.Http;

/// <summary>
/// One HTTP answer, decided by Core: status, headers and body bytes. Both hosts return it as it is: the local host's
/// minimal API as an <see cref="IResult"/>, the Functions app as an <see cref="IActionResult"/>, so a route answers the
/// same bytes on either host.
/// </summary>
public sealed class HttpAnswer : IResult, IActionResult
{
    public const string JsonContentType = "application/json; charset=utf-8";

    private HttpAnswer(int status, string? contentType, ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
        Headers = headers;
    }

    public int Status { get; }

    public string? ContentType { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>A JSON object written field by field, so the bytes never depend on a host's serializer settings.</summary>
    public static HttpAnswer Json(int status, Action<Utf8JsonWriter> writeFields)
    {
        ArgumentNullException.ThrowIfNull(writeFields);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeFields(writer);
            writer.WriteEndObject();
        }

        return new HttpAnswer(status, JsonContentType, buffer.WrittenMemory, []);
    }

    /// <summary>A document serialized with its source-generated contract.</summary>
    public static HttpAnswer Json<T>(int status, T value, JsonTypeInfo<T> contract) =>
        new(status, JsonContentType, JsonSerializer.SerializeToUtf8Bytes(value, contract), []);

    /// <summary>JSON already written (e.g. a node tree).</summary>
    public static HttpAnswer RawJson(int status, byte[] json) => new(status, JsonContentType, json, []);

    /// <summary><c>{"error": message}</c>, the shape of every 4xx/5xx of the read and privacy APIs.</summary>
    public static HttpAnswer Error(int status, string message) => Json(status, w => w.WriteString("error", message));

    public static HttpAnswer File(byte[] content, string contentType) => new(StatusCodes.Status200OK, contentType, content, []);

    public static HttpAnswer Empty(int status) => new(status, null, ReadOnlyMemory<byte>.Empty, []);

    /// <summary>The same answer with one more header.</summary>
    public HttpAnswer WithHeader(string name, string value) => new(Status, ContentType, Body, [.. Headers, new(name, value)]);

    public async Task WriteToAsync(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = Status;
        foreach (var (name, value) in Headers)
        {
            response.Headers.Append(name, value);
        }

        if (ContentType is not null)
        {
            response.ContentType = ContentType;
        }

        if (!Body.IsEmpty)
        {
            response.ContentLength = Body.Length;
            await response.Body.WriteAsync(Body, response.HttpContext.RequestAborted);
        }
    }

    Task IResult.ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return WriteToAsync(httpContext.Response);
    }

    Task IActionResult.ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteToAsync(context.HttpContext.Response);
    }
}
