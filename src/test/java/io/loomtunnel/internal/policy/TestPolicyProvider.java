package io.loomtunnel.internal.policy;

import io.loomtunnel.plugin.Admission;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Datagram;
import io.loomtunnel.plugin.DatagramAction;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import io.loomtunnel.plugin.Response;
import io.loomtunnel.plugin.ResponseAction;
import io.loomtunnel.plugin.ResponseHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small test policies (type {@code test}, registered as a built-in on the test class path), one per
 * {@code mode}: {@code http} (each HTTP hook: reject, respond, modify, throw, response modify, a
 * body filter checking a "signature" at the end; {@code /sleep} sleeps a minute), {@code tcp-refuse},
 * {@code tcp-block-once} (the first connection's hook waits for ever, the next ones pass), {@code udp-drop}.
 */
public final class TestPolicyProvider implements PolicyProvider {
    /** The largest chunk a body filter was given, and the bytes it saw, for the tests to check. */
    static final AtomicInteger MAX_CHUNK = new AtomicInteger();
    static final AtomicLong FILTERED = new AtomicLong();
    static final AtomicInteger COMPLETED = new AtomicInteger();

    @Override
    public String name() {
        return "test";
    }

    @Override
    public Policy create(PolicySettings settings) throws PolicyConfigException {
        String mode = settings.string("mode");
        return switch (mode) {
            case "http" -> new HttpTest();
            case "tcp-refuse" -> new Policy() {
                @Override
                public Admission onConnection(Connection c) {
                    return Admission.REFUSE;
                }
            };
            case "tcp-block-once" -> new Policy() {
                private final AtomicBoolean first = new AtomicBoolean(true);

                @Override
                public Admission onConnection(Connection c) {
                    if (first.compareAndSet(true, false)) {
                        waitInterruptibly(() -> new CountDownLatch(1).await()); // never counted down
                    }
                    return Admission.ACCEPT;
                }
            };
            case "udp-drop" -> new Policy() {
                @Override
                public DatagramAction onDatagram(Datagram d) {
                    byte[] start = new byte[Math.min(4, d.payload().remaining())];
                    d.payload().duplicate().get(start);
                    return new String(start, StandardCharsets.US_ASCII).equals("drop") ? DatagramAction.DROP : DatagramAction.PASS;
                }
            };
            default -> throw settings.error("mode", "must be http, tcp-refuse, tcp-block-once or udp-drop, got \"" + mode + "\"");
        };
    }

    interface Wait {
        void run() throws InterruptedException;
    }

    /** Waits as a well-behaved plugin does: an interrupt ends the hook with an exception, the flag set again. */
    static void waitInterruptibly(Wait wait) {
        try {
            wait.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final class HttpTest implements Policy {
        @Override
        public RequestAction onRequest(Request r) {
            if (r.headers().first("X-Reject") != null) {
                return RequestAction.reject(403);
            }
            if (r.path().equals("/respond")) {
                return RequestAction.respond(Response.text(200, "from the policy\n"));
            }
            if (r.path().equals("/boom")) {
                throw new IllegalStateException("boom");
            }
            if (r.path().equals("/sleep")) {
                waitInterruptibly(() -> Thread.sleep(Duration.ofSeconds(60)));
            }
            String target = r.path().equals("/old") ? "/new" + r.target().substring("/old".length()) : r.target();
            return new RequestAction.Modify(r.method(), target, r.headers().set("X-Policy", "seen " + r.visitor().getAddress()
                    .getHostAddress()));
        }

        @Override
        public ResponseAction onResponse(Request r, ResponseHead h) {
            return new ResponseAction.Modify(new ResponseHead(h.status(), h.headers().add("X-Policy-Response", "yes")));
        }

        @Override
        public BodyFilter requestBody(Request r) {
            String sign = r.headers().first("X-Sign");
            if (sign == null) {
                return BodyFilter.NONE;
            }
            return new BodyFilter() {
                @Override
                public ByteBuffer data(ByteBuffer chunk) {
                    MAX_CHUNK.accumulateAndGet(chunk.remaining(), Math::max);
                    FILTERED.addAndGet(chunk.remaining());
                    return chunk;
                }

                @Override
                public ByteBuffer end() throws BodyRejectedException {
                    if (sign.equals("bad")) {
                        throw new BodyRejectedException(401, "bad signature");
                    }
                    return ByteBuffer.allocate(0);
                }
            };
        }

        @Override
        public void onComplete(Request r, io.loomtunnel.plugin.Completion c) {
            COMPLETED.incrementAndGet();
        }
    }
}
