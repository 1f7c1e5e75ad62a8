package io.loomtunnel.soak;

/** What every flow and fault of one run shares: the clock, the fault log and the verdict. */
record Env(Clock clock, FaultLog faults, Verdict verdict) {}
