using System.Reflection;
using System.Text.RegularExpressions;
using Durable.WebJobs.ContextImplementations;

namespace Durable.WebJobs.Tests;

/// <summary>
/// Durable.WebJobs' folders depend in one direction only: the client binding (ContextImplementations) builds its
/// check-status responses with the HTTP layer (Http), and the HTTP API never reaches back into the binding.
/// </summary>
public sealed class LayeringTests
{
    private const string BindingNamespace = "Durable.WebJobs.ContextImplementations";

    [Fact]
    public void CoreTypes_Exported_ShareNoNameWithTheDurableFunctionsSurface()
    {
        // Arrange: the Functions-compatible surface (IDurableOrchestrationClient, OrchestrationRuntimeStatus, RetryOptions...).
        HashSet<string> surface = [.. typeof(Microsoft.Azure.WebJobs.Extensions.DurableTask.IDurableOrchestrationClient).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Microsoft.Azure.WebJobs.Extensions.DurableTask")
            .Select(t => t.Name)];

        // Act: engine types with the same simple name would need aliases wherever both are used.
        string[] clashes = [.. typeof(Durable.Core.DurableEngine).Assembly.GetExportedTypes().Where(t => surface.Contains(t.Name)).Select(t => t.FullName!)];

        // Assert
        Assert.NotEmpty(surface);
        Assert.Empty(clashes);
    }

    [Fact]
    public void HttpSources_ContextImplementations_NeverReferenced()
    {
        // Arrange: every type of the binding layer, by name, as the compiler knows them.
        Assembly webJobs = typeof(DurableClientAdapter).Assembly;
        string[] bindingTypes = [.. webJobs.GetTypes()
            .Where(t => t.Namespace == BindingNamespace && !t.IsNested && !t.Name.StartsWith('<'))
            .Select(t => t.Name.Split('`')[0])
            .Distinct()];
        Regex reference = new($@"\b({Regex.Escape(BindingNamespace)}|{string.Join('|', bindingTypes)})\b");
        string httpFolder = Path.Combine(RepositoryRoot(), "src", "Durable.WebJobs", "Http");

        // Act
        string[] offenders = [.. Directory.EnumerateFiles(httpFolder, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file)
                .Select((line, index) => (file, line, index))
                .Where(x => reference.IsMatch(x.line))
                .Select(x => $"{Path.GetFileName(x.file)}:{x.index + 1}: {x.line.Trim()}"))];

        // Assert: the type list is real (the check can fail), and no Http source names any of them.
        Assert.Contains(nameof(DurableClientAdapter), bindingTypes);
        Assert.Empty(offenders);
    }

    [Fact]
    public void HttpTypes_ContextImplementations_NotInSignatures()
    {
        // Arrange
        Assembly webJobs = typeof(DurableClientAdapter).Assembly;
        Type[] httpTypes = [.. webJobs.GetTypes().Where(t => t.Namespace == "Durable.WebJobs.Http")];
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        // Act: every type an Http type names in its fields, properties, constructors and methods.
        string[] offenders = [.. httpTypes.SelectMany(t =>
                t.GetFields(all).Select(f => (t, f.Name, f.FieldType))
                .Concat(t.GetProperties(all).Select(p => (t, p.Name, p.PropertyType)))
                .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType).Select(type => (t, m.Name, type))))
                .Concat(t.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => (t, c.Name, p.ParameterType)))))
            .Where(x => x.Item3.Namespace == BindingNamespace || x.Item3.GenericTypeArguments.Any(a => a.Namespace == BindingNamespace))
            .Select(x => $"{x.t.Name}.{x.Item2}: {x.Item3.Name}")];

        // Assert
        Assert.NotEmpty(httpTypes);
        Assert.Empty(offenders);
    }

    private static string RepositoryRoot()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PhoneVerification.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No PhoneVerification.sln above {AppContext.BaseDirectory}.");
    }
}
