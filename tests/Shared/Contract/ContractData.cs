using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cdp.Tests.Contract;

/// <summary>Values and assertions shared by the store contracts.</summary>
internal static class ContractData
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 31, 12, 0, 0, TimeSpan.Zero);

    public static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Documents hold dictionaries and JSON values without value equality, so compare what would be stored.</summary>
    public static void AssertSameDocument<T>(T expected, T actual, JsonTypeInfo<T> typeInfo) =>
        Assert.Equal(JsonSerializer.Serialize(expected, typeInfo), JsonSerializer.Serialize(actual, typeInfo));
}
