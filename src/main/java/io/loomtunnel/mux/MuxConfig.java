package io.loomtunnel.mux;

import java.time.Duration;

/**
 * Tunables of one multiplexed session (docs/protocol/SESSION.md section 7 lists the defaults).
 *
 * @param maxWindow largest a stream's receive window grows by auto-tuning
 * @param growthBudget bytes of window growth all streams of a session may share
 * @param maxStreams open streams the peer may have at once; more are refused
 * @param acceptBacklog streams opened by the peer and not yet accepted; more are refused
 * @param datagramQueue datagrams received and not yet taken; more are dropped and counted
 * @param controlQueue control messages received and not yet taken; more end the session
 * @param keepaliveInterval how often a PING is sent
 * @param keepaliveTimeout silence after which the peer is declared dead
 */
public record MuxConfig(
        int maxWindow,
        long growthBudget,
        int maxStreams,
        int acceptBacklog,
        int datagramQueue,
        int controlQueue,
        Duration keepaliveInterval,
        Duration keepaliveTimeout) {

    /** Checks every limit against its minimum and 0 &lt; keepaliveInterval &lt;= keepaliveTimeout. */
    public MuxConfig {
        requireAtLeast("maxWindow", maxWindow, io.loomtunnel.internal.wire.Wire.INITIAL_WINDOW);
        requireAtLeast("growthBudget", growthBudget, 0);
        requireAtLeast("maxStreams", maxStreams, 1);
        requireAtLeast("acceptBacklog", acceptBacklog, 1);
        requireAtLeast("datagramQueue", datagramQueue, 1);
        requireAtLeast("controlQueue", controlQueue, 1);
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()
                || keepaliveTimeout.compareTo(keepaliveInterval) < 0) {
            throw new IllegalArgumentException("keepalive interval must be > 0 and <= the keepalive timeout");
        }
    }

    /**
     * The defaults: 16 MiB windows within a 64 MiB budget, 16,384 streams, a backlog of 256, queues of
     * 1,024 datagrams and 256 control messages, a PING every 10 s and 30 s without traffic to give up.
     *
     * @return the defaults
     */
    public static MuxConfig defaults() {
        return new MuxConfig(16 << 20, 64L << 20, 16_384, 256, 1_024, 256,
                Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /**
     * The same, with other keepalive times.
     *
     * @param interval how often an idle session is pinged
     * @param timeout how long without anything from the peer ends the session
     * @return a new config
     */
    public MuxConfig withKeepalive(Duration interval, Duration timeout) {
        return new MuxConfig(maxWindow, growthBudget, maxStreams, acceptBacklog, datagramQueue, controlQueue,
                interval, timeout);
    }

    /**
     * The same, with another stream limit.
     *
     * @param n open streams at once
     * @return a new config
     */
    public MuxConfig withMaxStreams(int n) {
        return new MuxConfig(maxWindow, growthBudget, n, acceptBacklog, datagramQueue, controlQueue,
                keepaliveInterval, keepaliveTimeout);
    }

    /**
     * The same, with another accept backlog.
     *
     * @param n streams the peer may open before this side accepts them
     * @return a new config
     */
    public MuxConfig withAcceptBacklog(int n) {
        return new MuxConfig(maxWindow, growthBudget, maxStreams, n, datagramQueue, controlQueue,
                keepaliveInterval, keepaliveTimeout);
    }

    /**
     * The same, with another datagram queue.
     *
     * @param n datagrams kept until taken; more are dropped
     * @return a new config
     */
    public MuxConfig withDatagramQueue(int n) {
        return new MuxConfig(maxWindow, growthBudget, maxStreams, acceptBacklog, n, controlQueue,
                keepaliveInterval, keepaliveTimeout);
    }

    /**
     * The same, with another control queue.
     *
     * @param n control messages kept until taken; more end the session
     * @return a new config
     */
    public MuxConfig withControlQueue(int n) {
        return new MuxConfig(maxWindow, growthBudget, maxStreams, acceptBacklog, datagramQueue, n,
                keepaliveInterval, keepaliveTimeout);
    }

    /**
     * The same, with other window limits.
     *
     * @param maxWindow the largest receive window of one stream
     * @param growthBudget the receive windows of all streams together
     * @return a new config
     */
    public MuxConfig withWindowGrowth(int maxWindow, long growthBudget) {
        return new MuxConfig(maxWindow, growthBudget, maxStreams, acceptBacklog, datagramQueue, controlQueue,
                keepaliveInterval, keepaliveTimeout);
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }
}
