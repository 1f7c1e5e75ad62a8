package io.loomtunnel.soak;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * What scripts/soak passes: the run's length, where results go, the fat jar and the JVM options
 * of its processes, and the emulated link the script made (null {@code wire} when it made none;
 * {@code noLink} then says why).
 */
record SoakOptions(double minutes, Path out, Path jar, List<String> jvmOptions, String wire, String peer, InetAddress linkHost,
        String noLink) {}
