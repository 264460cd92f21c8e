using Cdp.Core.Identity;
using Cdp.Core.Ingestion;

namespace Cdp.Core.Tests.Builders;

/// <summary>Valid settings for tests; each test changes only what it is about.</summary>
internal static class TestOptions
{
    public const string Pepper = "unit-test-pepper-0123456789";

    /// <summary>A fixed instant so that archive paths and computed traits are predictable.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static IdentityOptions Identity(Action<IdentityOptions>? configure = null)
    {
        var options = new IdentityOptions { Pepper = Pepper };
        configure?.Invoke(options);
        return options;
    }

    public static ProcessingOptions Processing(Action<ProcessingOptions>? configure = null)
    {
        var options = new ProcessingOptions();
        configure?.Invoke(options);
        return options;
    }
}
