using Microsoft.Extensions.Options;

namespace Cdp.Core.Ingestion;

/// <summary>The rule data annotations cannot say: the cap is not below the first pause.</summary>
internal sealed class HubRetryOptionsValidator : IValidateOptions<HubRetryOptions>
{
    public ValidateOptionsResult Validate(string? name, HubRetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxDelay < options.FirstDelay
            ? ValidateOptionsResult.Fail("Cdp:Processing:HubRetry:MaxDelay must not be shorter than Cdp:Processing:HubRetry:FirstDelay")
            : ValidateOptionsResult.Success;
    }
}
