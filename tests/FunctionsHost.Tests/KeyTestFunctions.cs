using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.Http;

namespace FunctionsHost.Tests;

/// <summary>One HTTP function per authorization level, for the key tests.</summary>
public static class KeyTestFunctions
{
    [FunctionName("OpenPing")]
    public static IActionResult Open([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ping/open")] HttpRequest req) => new OkObjectResult("open");

    [FunctionName("FunctionPing")]
    public static IActionResult Function([HttpTrigger(AuthorizationLevel.Function, "get", Route = "ping/function")] HttpRequest req) => new OkObjectResult("function");

    [FunctionName("Echo")]
    public static async Task<IActionResult> Echo([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "echo")] HttpRequest req)
    {
        using StreamReader reader = new(req.Body);
        return new OkObjectResult((await reader.ReadToEndAsync()).Length);
    }

    [FunctionName("AdminPing")]
    public static IActionResult Admin([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ping/admin")] HttpRequest req) => new OkObjectResult("admin");
}
