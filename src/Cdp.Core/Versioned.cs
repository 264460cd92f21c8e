namespace Cdp.Core;

/// <summary>A document with the ETag it was read at; writes that name the ETag fail if someone wrote in between.</summary>
public readonly record struct Versioned<T>(T Value, string ETag);

/// <summary>Thrown by a store when a conditional write lost to a concurrent one (HTTP 412/409 in Cosmos DB).</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
