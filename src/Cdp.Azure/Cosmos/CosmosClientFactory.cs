using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Cdp.Core;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Cosmos;

/// <summary>Builds the application's single <see cref="CosmosClient"/> (it pools connections; one per process).</summary>
internal static class CosmosClientFactory
{
    /// <summary>
    /// Documents are the Core records as System.Text.Json writes them, in the same shape as
    /// <c>CdpJsonContext</c>: camelCase, nulls left out, enums as strings. Dictionary keys (trait names) keep their case.
    /// Every document on the ingestion path (profile, timeline event, identity link, dedup entry) is read and written
    /// through source-generated metadata, so no reflection runs per request; reflection remains only as the fallback
    /// for types no context lists (the SDK's own query parameters, say).
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = JsonTypeInfoResolver.Combine(
            CdpJsonContext.Default, CosmosDocumentJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static CosmosClient Create(CdpAzureOptions options, CdpCredential credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        var endpoint = options.CosmosEndpoint ?? throw new InvalidOperationException("Cdp:Azure:CosmosEndpoint is required");
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "cdp",
            // Cannot be combined with SerializerOptions: this is the SDK's System.Text.Json serializer.
            UseSystemTextJsonSerializerWithOptions = SerializerOptions,
            ConnectionMode = options.CosmosGatewayMode ? ConnectionMode.Gateway : ConnectionMode.Direct,
        };

        return string.IsNullOrWhiteSpace(options.CosmosKey)
            ? new CosmosClient(endpoint.AbsoluteUri, credential.Value, clientOptions)
            : new CosmosClient(endpoint.AbsoluteUri, options.CosmosKey, clientOptions);
    }
}
