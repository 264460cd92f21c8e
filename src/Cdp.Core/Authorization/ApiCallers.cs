using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Authorization;

/// <summary>A caller of the management API: a name fit for the audit trail (an API key's name, an Entra object id) and its roles.</summary>
public sealed record ApiCaller(string Id, IReadOnlyCollection<string> Roles);

/// <summary>What a host found in a request: a caller, or no credential, or a credential that matches nobody.</summary>
public readonly record struct CallerLookup(ApiCaller? Caller, bool CredentialPresented)
{
    public static CallerLookup Missing => new(null, CredentialPresented: false);

    public static CallerLookup Unknown => new(null, CredentialPresented: true);

    public static CallerLookup Found(ApiCaller caller) => new(caller, CredentialPresented: true);

    /// <summary>The audit actor: the caller's id, <see cref="ApiAccess.Anonymous"/> or <see cref="ApiAccess.UnknownCaller"/>.</summary>
    public string Actor => Caller?.Id ?? (CredentialPresented ? ApiAccess.UnknownCaller : ApiAccess.Anonymous);
}

/// <summary>
/// Port: how a host identifies the caller of a management route (API keys from configuration locally, the App Service
/// authentication principal in Azure) and tells a refused client how to authenticate there.
/// </summary>
public interface IApiCallers
{
    /// <summary>The caller the request's credential names. Must compare secrets in constant time and never log them.</summary>
    CallerLookup Identify(HttpRequest request);

    /// <summary>The <c>realm</c> of the <c>WWW-Authenticate: Bearer</c> challenge; it names how to authenticate on this host.</summary>
    string Realm { get; }

    /// <summary>One clause for a 401's body saying what to send, e.g. "send an API key as 'Authorization: Bearer &lt;key&gt;'".</summary>
    string HowToAuthenticate { get; }
}
