using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Cdp.Azure.Tests.Contract.CdpTestFramework", "Cdp.Azure.Tests")]

namespace Cdp.Azure.Tests.Contract;

/// <summary>xunit's own framework, except that tests of <see cref="RequiresCosmosAttribute"/> classes are discovered as skipped without an account.</summary>
public sealed class CdpTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider sources, IMessageSink diagnostics)
        : XunitTestFrameworkDiscoverer(assembly, sources, diagnostics)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (RequiresCosmosAttribute.IsAvailable
                || !testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresCosmosAttribute)).Any()
                || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            var skipped = new XunitSkippedDataRowTestCase(
                DiagnosticMessageSink,
                discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod,
                RequiresCosmosAttribute.SkipReason);
            return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }
}
