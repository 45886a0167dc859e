namespace Durable.WebJobs.Http;

/// <summary>What a request to the management API may do, decided from its key.</summary>
public enum DurableHttpAccess
{
    /// <summary>No valid key: 401.</summary>
    None,

    /// <summary>
    /// The per-instance code carried by the links handed out for one instance: that instance's status (without
    /// activity outputs), events, terminate, suspend, resume and purge. Nothing else.
    /// </summary>
    Instance,

    /// <summary>The system key or the master key (or keys not enforced): everything.</summary>
    Full,
}
