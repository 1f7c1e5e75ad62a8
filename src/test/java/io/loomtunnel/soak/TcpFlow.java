package io.loomtunnel.soak;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * TCP connections one after another through one tunnel port to the {@link EchoService}: sizes
 * drawn between {@code minSize} and {@code maxSize}, written at {@code rate}; with {@code resets},
 * one in eight is reset by us part way and one in eight by the service (deliberately killed
 * streams: their prefix is checked, their end is not a loss).
 */
final class TcpFlow extends Flow {
    private static final int READ_TIMEOUT_MS = 30_000;

    private final InetSocketAddress target;
    private final int minSize;
    private final int maxSize;
    private final long rate;
    private final long pauseMs;
    private final boolean resets;

    TcpFlow(String name, Set<Part> path, Env env, long maxRounds, InetSocketAddress target, int minSize, int maxSize,
            long rate, long pauseMs, boolean resets) {
        super(name, path, env, maxRounds);
        this.target = target;
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.rate = rate;
        this.pauseMs = pauseMs;
        this.resets = resets;
    }

    @Override
    void round(long n) throws InterruptedException {
        long seed = seed(n);
        SplittableRandom random = new SplittableRandom(seed);
        int size = minSize + random.nextInt(maxSize - minSize + 1);
        int pick = resets ? random.nextInt(8) : 2;
        TcpExchange.Mode mode = pick == 0 ? TcpExchange.Mode.WE_RESET : pick == 1 ? TcpExchange.Mode.SERVICE_RESETS : TcpExchange.Mode.WHOLE;
        long resetAt = size / 4 + random.nextInt(size / 2 + 1);
        long start = env.clock().now();
        TcpExchange.Result r = TcpExchange.run(target, seed, size, mode, resetAt, rate, READ_TIMEOUT_MS);
        bytesChecked.addAndGet(r.checked());
        if (r.corrupt() != null) {
            corrupt("stream " + n + ": " + r.corrupt());
        } else if (r.whole()) {
            ok.incrementAndGet();
        } else if (mode != TcpExchange.Mode.WHOLE && !r.cut().startsWith("connect:")) {
            killedOnPurpose.incrementAndGet();
        } else {
            endedEarly(start, "stream " + n + " (" + size + " bytes): " + r.cut());
        }
        if (pauseMs > 0) {
            Thread.sleep(pauseMs);
        }
    }
}
