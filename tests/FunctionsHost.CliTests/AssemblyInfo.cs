// Every test starts child processes (the command line, a host): one class at a time, so they do not compete for the CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
