using Xunit;

// These suites start real host processes and check time bounds (timers fire within 1 s of a restart); run their
// classes one after another so they do not compete with each other for the CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
