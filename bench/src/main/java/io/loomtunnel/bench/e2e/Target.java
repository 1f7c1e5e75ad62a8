package io.loomtunnel.bench.e2e;

/** A way to reach the echo service: its column in the report and the loopback port load goes to. */
record Target(String name, int port) {}
