namespace FunctionsHost.BrowserTests;

/// <summary>Every browser test class shares one browser and runs one at a time (the machine has few cores).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
