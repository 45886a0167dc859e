using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Durable.Testing;

/// <summary>
/// xunit's framework, except that the facts of classes marked <see cref="PostgresRequiredAttribute"/> are reported as
/// skipped (with <see cref="PostgresCluster.SkipReason"/>) when there are no PostgreSQL server binaries. It exists for
/// facts a class inherits (the shared store contract suite): those cannot carry <see cref="PostgresFactAttribute"/>,
/// and xunit 2 has no dynamic skip. Register with
/// <c>[assembly: TestFramework("Durable.Testing.PostgresTestFramework", "Durable.Testing")]</c>.
/// </summary>
public sealed class PostgresTestFramework : XunitTestFramework
{
    public PostgresTestFramework(IMessageSink messageSink)
        : base(messageSink)
    {
    }

    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, this.SourceInformationProvider, this.DiagnosticMessageSink);

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, this.SourceInformationProvider, this.DiagnosticMessageSink);

    private sealed class Discoverer : XunitTestFrameworkDiscoverer
    {
        public Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
            : base(assemblyInfo, sourceProvider, diagnosticMessageSink)
        {
        }

        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (PostgresCluster.SkipReason is not { } reason
                || !testMethod.TestClass.Class.GetCustomAttributes(typeof(PostgresRequiredAttribute)).Any()
                || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            XunitSkippedDataRowTestCase skipped = new(
                this.DiagnosticMessageSink,
                discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod,
                reason);
            return this.ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }

    private sealed class Executor : XunitTestFrameworkExecutor
    {
        public Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
            : base(assemblyName, sourceInformationProvider, diagnosticMessageSink)
        {
        }

        // "Run all" discovers again through this: it must skip the same way.
        protected override ITestFrameworkDiscoverer CreateDiscoverer() =>
            new Discoverer(this.AssemblyInfo, this.SourceInformationProvider, this.DiagnosticMessageSink);
    }
}
