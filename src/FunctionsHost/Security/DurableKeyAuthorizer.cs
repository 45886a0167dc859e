using Durable.WebJobs.Http;

namespace FunctionsHost.Security;

/// <summary>
/// The management API's keys: the <c>durabletask_extension</c> system key or the master key may do everything; the
/// code in one instance's links (<see cref="HostKeys.InstanceCode"/>) opens that instance only, so an end user
/// handed the links of their verification can neither read its activity outputs (the code) nor touch anyone else's.
/// </summary>
internal sealed class DurableKeyAuthorizer(HostKeys keys, KeyEnforcement enforcement) : IDurableHttpAuthorizer
{
    public DurableHttpAccess Authorize(HttpRequest request, string? instanceId)
    {
        if (!enforcement.Enforced)
        {
            return DurableHttpAccess.Full;
        }

        if (RequestKey.Identify(keys, request, functionName: null) is PresentedKey.Master or PresentedKey.System)
        {
            return DurableHttpAccess.Full;
        }

        return instanceId is not null && RequestKey.Read(request).Any(code => keys.IsInstanceCode(code, instanceId))
            ? DurableHttpAccess.Instance
            : DurableHttpAccess.None;
    }

    public string? LinkCode(string instanceId) => keys.InstanceCode(instanceId);
}
