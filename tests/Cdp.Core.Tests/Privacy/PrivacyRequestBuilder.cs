using System.Text.Json.Nodes;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Privacy;

/// <summary>Builds a privacy request submission (typed, or as an OpenDSR JSON body), valid unless a test says otherwise.</summary>
public sealed class PrivacyRequestBuilder
{
    private readonly List<SubmittedIdentity> _identities = [];
    private readonly List<string> _callbacks = [];
    private string? _regulation = PrivacyRegulations.Gdpr;
    private string? _type;
    private string? _mode;
    private DateTimeOffset? _submitted = TestOptions.Now.AddDays(-1);

    private PrivacyRequestBuilder(string type, (string Type, string Value)[] identities)
    {
        _type = type;
        foreach (var (identityType, value) in identities)
        {
            _identities.Add(new SubmittedIdentity(identityType, value, "raw"));
        }
    }

    public string? Id { get; private set; } = Guid.NewGuid().ToString("D");

    public static PrivacyRequestBuilder Erasure(params (string Type, string Value)[] identities) => new(PrivacyRequestTypes.Erasure, identities);

    public static PrivacyRequestBuilder Access(params (string Type, string Value)[] identities) => new(PrivacyRequestTypes.Access, identities);

    public static PrivacyRequestBuilder Portability(params (string Type, string Value)[] identities) => new(PrivacyRequestTypes.Portability, identities);

    public PrivacyRequestBuilder WithId(string? id)
    {
        Id = id;
        return this;
    }

    public PrivacyRequestBuilder Regulation(string? regulation)
    {
        _regulation = regulation;
        return this;
    }

    public PrivacyRequestBuilder Type(string? type)
    {
        _type = type;
        return this;
    }

    public PrivacyRequestBuilder Mode(string? mode)
    {
        _mode = mode;
        return this;
    }

    public PrivacyRequestBuilder Submitted(DateTimeOffset? at)
    {
        _submitted = at;
        return this;
    }

    public PrivacyRequestBuilder Identity(string? type, string? value, string? format = "raw")
    {
        _identities.Add(new SubmittedIdentity(type, value, format));
        return this;
    }

    public PrivacyRequestBuilder Callback(string url)
    {
        _callbacks.Add(url);
        return this;
    }

    public PrivacyRequestSubmission Build() => new()
    {
        Regulation = _regulation,
        SubjectRequestId = Id,
        SubjectRequestType = _type,
        SubmittedTime = _submitted,
        SubjectIdentities = [.. _identities],
        StatusCallbackUrls = [.. _callbacks],
        SuppressionMode = _mode,
    };

    /// <summary>The OpenDSR v3 body: identities as the map of identity type to {value, encoding} (one per type).</summary>
    public byte[] ToOpenDsrV3Json()
    {
        var identities = new JsonObject();
        foreach (var identity in _identities)
        {
            identities.Add(identity.Type!, new JsonObject { ["value"] = identity.Value, ["encoding"] = identity.Format });
        }

        var body = Body("3.0", identities);
        return System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>The OpenDSR v1/v2 body (identities as the array of {identity_type, identity_value, identity_format}), still accepted.</summary>
    public byte[] ToOpenDsrJson()
    {
        var body = Body("2.0", new JsonArray([.. _identities.Select(i => new JsonObject
        {
            ["identity_type"] = i.Type,
            ["identity_value"] = i.Value,
            ["identity_format"] = i.Format,
        })]));
        return System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private JsonObject Body(string version, JsonNode identities)
    {
        var body = new JsonObject
        {
            ["api_version"] = version,
            ["regulation"] = _regulation,
            ["subject_request_id"] = Id,
            ["subject_request_type"] = _type,
            ["submitted_time"] = _submitted is { } at ? EventBuilder.Iso(at) : null,
            ["subject_identities"] = identities,
            ["status_callback_urls"] = new JsonArray([.. _callbacks.Select(c => JsonValue.Create(c))]),
            ["property_id"] = "ignored-by-us",
        };
        if (_mode is not null)
        {
            body["suppression_mode"] = _mode;
        }

        return body;
    }
}
