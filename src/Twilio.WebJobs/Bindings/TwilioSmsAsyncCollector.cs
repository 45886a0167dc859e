using System.Collections.Concurrent;
using Microsoft.Azure.WebJobs;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs.Bindings;

/// <summary>
/// Collects the messages of one function invocation; validates each on add and sends them all on flush, after the
/// function body has returned, so a Twilio failure fails the invocation.
/// </summary>
internal sealed class TwilioSmsAsyncCollector : IAsyncCollector<CreateMessageOptions>
{
    private readonly ConcurrentQueue<CreateMessageOptions> pending = new();
    private readonly Func<CreateMessageOptions, CancellationToken, Task> send;
    private readonly string? defaultFrom;
    private readonly string? defaultBody;

    internal TwilioSmsAsyncCollector(Func<CreateMessageOptions, CancellationToken, Task> send, string? defaultFrom, string? defaultBody)
    {
        this.send = send;
        this.defaultFrom = defaultFrom;
        this.defaultBody = defaultBody;
    }

    public Task AddAsync(CreateMessageOptions item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);

        // As in the Azure binding: the attribute only fills what the code left unset; To always comes from the code.
        if (item.From is null && !string.IsNullOrWhiteSpace(this.defaultFrom))
        {
            item.From = new PhoneNumber(this.defaultFrom.Trim());
        }

        item.Body ??= this.defaultBody;
        PhoneNumberFormat.ValidateMessage(item);
        this.pending.Enqueue(item);
        return Task.CompletedTask;
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        // Dequeue one at a time so that a failure leaves the unsent rest queued and a second flush never resends.
        while (this.pending.TryDequeue(out CreateMessageOptions? message))
        {
            await this.send(message, cancellationToken).ConfigureAwait(false);
        }
    }
}
