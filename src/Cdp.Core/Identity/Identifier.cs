namespace Cdp.Core.Identity;

/// <summary>One normalized identifier of a person, e.g. (email, jane@example.com).</summary>
public readonly record struct Identifier(string Type, string Value);

/// <summary>The built-in identifier types; configured custom types (crmId, loyaltyId, ...) add to these.</summary>
public static class IdentifierTypes
{
    public const string UserId = "userId";
    public const string AnonymousId = "anonymousId";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string DeviceId = "deviceId";
}

/// <summary>An identifier with the keyed hash that stands for it everywhere except the profile document.</summary>
public sealed record HashedIdentifier(string Type, string Value, string IdentityId);
