using Durable.Core.Client;
using Durable.Core.Serialization;
using Newtonsoft.Json.Linq;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// The status's JSON payloads as tokens, so engine tests assert on values (<c>(int)status.Output!</c>) while the
/// engine itself hands out JSON text and leaves presentation to its fronts.
/// </summary>
internal static class StatusPayloads
{
    extension(OrchestrationMetadata status)
    {
        /// <summary>The input as a token, or null.</summary>
        public JToken? Input => JsonDataConverter.ToToken(status.InputJson);

        /// <summary>The output as a token, or null.</summary>
        public JToken? Output => JsonDataConverter.ToToken(status.OutputJson);

        /// <summary>The custom status as a token, or null.</summary>
        public JToken? CustomStatus => JsonDataConverter.ToToken(status.CustomStatusJson);
    }
}
