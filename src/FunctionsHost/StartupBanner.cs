using System.Text;
using FunctionsHost.Configuration;
using FunctionsHost.Http;
using FunctionsHost.Pages;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;

namespace FunctionsHost;

/// <summary>Prints the functions and their URLs once the host listens, as <c>func start</c> does.</summary>
internal static class StartupBanner
{
    public static void Register(WebApplication app, IReadOnlyList<FunctionEntry> functions, HostSettings settings, PageSettings pages, TextWriter output)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            string baseUrl = app.Services.GetRequiredService<HostAddresses>().BaseUrl;
            output.Write(Render(baseUrl, app.Environment.IsDevelopment(), functions, settings, pages));
            output.Flush();
        });
    }

    internal static string Render(string baseUrl, bool development, IReadOnlyList<FunctionEntry> functions, HostSettings settings, PageSettings pages)
    {
        StringBuilder text = new();
        text.AppendLine().AppendLine("Functions:").AppendLine();
        foreach (FunctionEntry function in functions)
        {
            string detail = function.Http is { } http
                ? $"[{string.Join(',', http.Methods)}] {baseUrl}{http.Template}"
                : function.Trigger;
            text.Append('\t').Append(function.Name).Append(": ").AppendLine(detail).AppendLine();
        }

        text.Append("Durable management API: ").Append(baseUrl).Append(DurableTaskOptions.WebhookPath).AppendLine("/instances/{instanceId}");
        if (development)
        {
            text.Append("Development outbox:     ").Append(baseUrl).AppendLine("/dev/outbox");
        }

        if (pages.Dashboard)
        {
            text.Append("Dashboard:              ").Append(baseUrl).AppendLine("/dashboard/");
        }

        if (pages.VerificationPage)
        {
            text.Append("Verification page:      ").Append(baseUrl).AppendLine("/");
        }

        string store = settings.StorageType == "sqlite" ? $"sqlite ({settings.DatabasePath})" : settings.StorageType;
        text.Append("Task hub: ").Append(settings.HubName).Append(", storage: ").AppendLine(store).AppendLine();
        return text.ToString();
    }
}
