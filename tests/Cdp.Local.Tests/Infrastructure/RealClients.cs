namespace Cdp.Local.Tests.Infrastructure;

/// <summary>
/// The tests that drive real SDKs (Node and Chromium) against a host process run one at a time: each is a host, a
/// Node process and sometimes a browser, and together on two cores they would measure contention, not the SDKs.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealClients
{
    public const string Name = "Real clients";
}
