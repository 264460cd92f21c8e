namespace Cdp.Local.Tests.Infrastructure;

/// <summary>One running host (processing on) shared by the tests of a class; tests keep apart by using their own user ids.</summary>
public sealed class HostFixture : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly LocalHostFactory _factory;

    public HostFixture()
    {
        _factory = new LocalHostFactory(_data.Path);
        Client = _factory.CreateCdpClient();
    }

    internal CdpClient Client { get; }

    internal IServiceProvider Services => _factory.Services;

    public void Dispose()
    {
        _factory.Dispose();
        _data.Dispose();
    }
}
