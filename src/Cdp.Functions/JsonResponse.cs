using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Cdp.Functions;

/// <summary>
/// JSON bodies written field by field, so the answer does not depend on the serializer settings MVC
/// happens to have and matches the local host's exactly.
/// </summary>
internal static class JsonResponse
{
    public static ContentResult Object(int statusCode, Action<Utf8JsonWriter> writeFields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeFields(writer);
            writer.WriteEndObject();
        }

        return Raw(statusCode, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    public static ContentResult Raw(int statusCode, string json) =>
        new() { StatusCode = statusCode, ContentType = "application/json; charset=utf-8", Content = json };
}
