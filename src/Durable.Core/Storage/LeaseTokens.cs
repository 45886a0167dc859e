namespace Durable.Core.Storage;

/// <summary>
/// Fencing tokens for leases. Every lease a store hands out gets a new one, stored with the lease and checked by its
/// commit, renew and abandon: the owner id alone cannot tell two leases of one host apart, and a commit kept for retry
/// through a store outage longer than the lease would otherwise land on the same host's next lease of that instance.
/// </summary>
public static class LeaseTokens
{
    /// <summary>
    /// A new token: random and positive. Two leases of one row get equal tokens with odds of 2^-63; even then the
    /// execution id, the owner and the expiry are checked too.
    /// </summary>
    public static long New() => Random.Shared.NextInt64(1, long.MaxValue);
}
