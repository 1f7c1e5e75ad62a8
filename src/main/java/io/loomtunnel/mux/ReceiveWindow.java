package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.internal.wire.Wire;
import java.util.function.LongSupplier;

/**
 * Flow control for one stream's receive direction: how many bytes the peer may still send, and
 * when to grant it more. Grants are batched (half a window at a time) and the window doubles when
 * grants come faster than two round trips apart, because then the window, not the network, limits
 * the stream (docs/protocol/SESSION.md 3.3). Not thread-safe: {@link InboundBuffer}'s lock guards it.
 *
 * <p>Time comes from the session's clock (System.nanoTime unless a test drives it), the same
 * clock its RTT is measured with.
 */
final class ReceiveWindow {
    private final WindowBudget budget;
    private final int maxWindow;
    private final LongSupplier nanoClock;
    private int window = Wire.INITIAL_WINDOW;
    private int available = Wire.INITIAL_WINDOW;
    private int consumed;
    private long lastGrantNanos;

    ReceiveWindow(WindowBudget budget, int maxWindow, LongSupplier nanoClock) {
        this.budget = budget;
        this.maxWindow = maxWindow;
        this.nanoClock = nanoClock;
        this.lastGrantNanos = nanoClock.getAsLong();
    }

    /** Accounts for {@code n} bytes of DATA arriving; a peer that overruns the window is broken. */
    void onData(int streamId, int n) throws ProtocolException {
        if (n > available) {
            throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR,
                    "peer sent " + n + " bytes on stream " + streamId + " with only " + available + " bytes of window");
        }
        available -= n;
    }

    /**
     * Accounts for {@code n} bytes the application consumed.
     *
     * @param rttNanos the session's smoothed round-trip time, or a negative value if unknown
     * @return the credit to grant the peer now, or 0 to wait for more consumption
     */
    int onConsumed(int n, long rttNanos) {
        consumed += n;
        if (consumed < window / 2) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        int growth = 0;
        if (rttNanos > 0 && window < maxWindow && now - lastGrantNanos < 2 * rttNanos) {
            growth = budget.reserve(Math.min(window, maxWindow - window));
            window += growth;
        }
        int grant = consumed + growth;
        consumed = 0;
        available += grant;
        lastGrantNanos = now;
        return grant;
    }

    /** Returns this stream's window growth to the session budget; call once, when the stream is gone. */
    void release() {
        budget.release(window - Wire.INITIAL_WINDOW);
        window = Wire.INITIAL_WINDOW;
    }

    int window() {
        return window;
    }
}
