package io.loomtunnel.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.plugin.Admission;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Datagram;
import io.loomtunnel.plugin.DatagramAction;
import io.loomtunnel.plugin.Headers;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import io.loomtunnel.plugin.VisitorState;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chain's order and its fault rules (throw, null, overrun), the registry's config errors, VisitorState's bounds. */
class PolicyChainTest {
    private static final Request GET = new Request("web", new InetSocketAddress("192.0.2.7", 4000), "GET", "/a?b",
            Headers.of("Host", "web"));

    private final List<HookWatchdog> watchdogs = new ArrayList<>();

    private PolicyChain chain(Duration bound, Policy... policies) {
        HookWatchdog watchdog = new HookWatchdog("policy chain test", bound);
        watchdogs.add(watchdog);
        return new PolicyChain(java.util.Arrays.stream(policies).map(p -> new PolicyChain.Link("p", p)).toList(), watchdog);
    }

    @AfterEach
    void closeWatchdogs() {
        watchdogs.forEach(HookWatchdog::close);
    }

    @Test
    void policiesRunInOrderEachSeeingTheLastOnesChange() {
        Policy addOne = new Policy() {
            @Override
            public RequestAction onRequest(Request r) {
                return RequestAction.modify(r, r.headers().add("X-Seen", "1"));
            }
        };
        Policy rejectIfSeen = new Policy() {
            @Override
            public RequestAction onRequest(Request r) {
                return r.headers().first("X-Seen") != null ? RequestAction.reject(403) : RequestAction.CONTINUE;
            }
        };
        PolicyChain.RequestDecision d = chain(PolicyChain.DEFAULT_BOUND, addOne, rejectIfSeen).onRequest(GET);
        assertEquals(new RequestAction.Reject(403), d.action());
        assertEquals(2, d.seen().size());
        assertEquals(GET, d.seen().get(0));
        assertEquals("1", d.seen().get(1).headers().first("X-Seen"));
        assertEquals(RequestAction.CONTINUE, chain(PolicyChain.DEFAULT_BOUND, rejectIfSeen, addOne).onRequest(GET).action());
    }

    @Test
    void prefacesFollowEachOtherInOrderAndAFailingOneRefusesTheConnection() {
        Policy a = new Policy() {
            @Override
            public byte[] preface(Connection c) {
                return "A".getBytes(StandardCharsets.US_ASCII);
            }
        };
        Policy none = new Policy() { };
        Policy b = new Policy() {
            @Override
            public byte[] preface(Connection c) {
                return (c.local() == null ? "b" : "B" + c.local().getPort()).getBytes(StandardCharsets.US_ASCII);
            }
        };
        Connection c = new Connection("t", new InetSocketAddress("192.0.2.7", 4000), new InetSocketAddress("192.0.2.1", 22));
        assertEquals("AB22", new String(chain(PolicyChain.DEFAULT_BOUND, a, none, b).preface(c), StandardCharsets.US_ASCII));
        assertEquals(0, chain(PolicyChain.DEFAULT_BOUND, none).preface(c).length);
        Policy broken = new Policy() {
            @Override
            public byte[] preface(Connection c) {
                throw new IllegalStateException("no header today");
            }
        };
        assertEquals(null, chain(PolicyChain.DEFAULT_BOUND, a, broken).preface(c));
    }

    @Test
    void aThrowANullOrAnOverrunFailsThatCallClosedAndTheNextPasses() {
        long[] calls = {0};
        Policy flaky = new Policy() {
            @Override
            public RequestAction onRequest(Request r) {
                calls[0]++;
                if (calls[0] == 1) {
                    throw new IllegalStateException("first call fails");
                }
                return calls[0] == 2 ? null : RequestAction.CONTINUE;
            }

            @Override
            public Admission onConnection(Connection c) {
                throw new IllegalStateException("always");
            }

            @Override
            public DatagramAction onDatagram(Datagram d) {
                return null;
            }
        };
        PolicyChain c = chain(PolicyChain.DEFAULT_BOUND, flaky);
        assertEquals(new RequestAction.Reject(500), c.onRequest(GET).action());
        assertEquals(new RequestAction.Reject(500), c.onRequest(GET).action());
        assertEquals(RequestAction.CONTINUE, c.onRequest(GET).action());
        assertFalse(c.admit(new Connection("t", null)));
        assertFalse(c.pass(new Datagram("t", null, ByteBuffer.allocate(1))));

        Policy slow = new Policy() {
            @Override
            public RequestAction onRequest(Request r) {
                long end = System.nanoTime() + Duration.ofMillis(30).toNanos();
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return RequestAction.CONTINUE;
            }
        };
        assertEquals(new RequestAction.Reject(500), chain(Duration.ofMillis(5), slow).onRequest(GET).action());
    }

    @Test
    void bodyFiltersComposeAndAFaultRejectsWith500() throws BodyRejectedException {
        Policy upper = new Policy() {
            @Override
            public BodyFilter requestBody(Request r) {
                return new BodyFilter() {
                    @Override
                    public ByteBuffer data(ByteBuffer chunk) {
                        return ByteBuffer.wrap(StandardCharsets.US_ASCII.decode(chunk).toString().toUpperCase().getBytes());
                    }

                    @Override
                    public ByteBuffer end() {
                        return ByteBuffer.wrap("!".getBytes(StandardCharsets.US_ASCII));
                    }
                };
            }
        };
        AtomicLong counted = new AtomicLong();
        Policy count = new Policy() {
            @Override
            public BodyFilter requestBody(Request r) {
                return chunk -> {
                    counted.addAndGet(chunk.remaining());
                    return chunk;
                };
            }
        };
        BodyFilter f = chain(PolicyChain.DEFAULT_BOUND, upper, count).requestBody(GET);
        assertEquals("ABC", StandardCharsets.US_ASCII.decode(f.data(ByteBuffer.wrap("abc".getBytes()))).toString());
        assertEquals("!", StandardCharsets.US_ASCII.decode(f.end()).toString());
        assertEquals(4, counted.get(), "the first filter's end bytes pass through the next");
        assertSame(BodyFilter.NONE, chain(PolicyChain.DEFAULT_BOUND, new Policy() { }).requestBody(GET));

        Policy broken = new Policy() {
            @Override
            public BodyFilter requestBody(Request r) {
                return chunk -> {
                    throw new IllegalStateException("broken");
                };
            }
        };
        BodyRejectedException e = assertThrows(BodyRejectedException.class,
                () -> chain(PolicyChain.DEFAULT_BOUND, broken).requestBody(GET).data(ByteBuffer.allocate(1)));
        assertEquals(500, e.status());
    }

    @Test
    void configErrorsNameTheEntryAndKey() throws PolicyConfigException {
        PolicyRegistry registry = PolicyRegistry.load(null);
        assertTrue(registry.isBuiltIn("test"), "the test policies are built-ins on the test class path");
        PolicyConfigException unknownKey = assertThrows(PolicyConfigException.class, () -> registry.chain(List.of(
                new PolicySpec("test", Map.of("mode", "http", "colour", "red"), "client.toml: tunnels[1].policies[1]", null))));
        assertEquals("client.toml: tunnels[1].policies[1].colour is not a setting of policy test", unknownKey.getMessage());
        PolicyConfigException unknownType = assertThrows(PolicyConfigException.class, () -> registry.chain(List.of(
                new PolicySpec("tset", Map.of(), "server.toml: policies[2]", null))));
        assertTrue(unknownType.getMessage().startsWith("server.toml: policies[2].type names no policy type: \"tset\" (known: "),
                unknownType.getMessage());
        PolicyConfigException badValue = assertThrows(PolicyConfigException.class, () -> registry.remoteChain(List.of(
                new PolicySpec("test", Map.of("mode", 3L), "tunnel web: policies[1]", null))));
        assertEquals("tunnel web: policies[1].mode must be a string, got 3", badValue.getMessage());
        assertEquals(1, registry.remoteChain(List.of(new PolicySpec("test", Map.of("mode", "http"), "w", null))).size());
    }

    @Test
    void wireFormReadsBackAndIsBounded() throws PolicyConfigException {
        List<PolicySpec> specs = List.of(new PolicySpec("test", Map.of("mode", "http", "n", 3L), "f: policies[1]", null));
        List<PolicySpec> back = PolicySpecs.read(PolicySpecs.toWire(specs), "tunnel web: policies", null);
        assertEquals("tunnel web: policies[1]", back.get(0).where());
        assertEquals(specs.get(0).settings(), back.get(0).settings());
        assertThrows(PolicyConfigException.class, () -> PolicySpecs.read(
                java.util.Collections.nCopies(PolicySpecs.MAX_POLICIES + 1, Map.of("type", "test")), "w", null));
        Object deep = "x";
        for (int i = 0; i < 12; i++) {
            deep = List.of(deep);
        }
        Object tooDeep = deep;
        assertThrows(PolicyConfigException.class, () -> PolicySpecs.read(List.of(Map.of("type", "test", "v", tooDeep)), "w", null));
    }

    @Test
    void visitorStateHasACapAndAnExpiry() {
        long[] now = {0};
        VisitorState<String, long[]> state = VisitorState.create(2, Duration.ofSeconds(10), k -> new long[1], () -> now[0]);
        state.get("a")[0] = 1;
        state.get("b");
        state.get("c"); // over the cap: "a", the least recently used, goes
        assertEquals(2, state.size());
        assertEquals(0, state.get("a")[0], "made again");
        now[0] += Duration.ofSeconds(11).toNanos();
        assertEquals(0, state.size());
        assertInstanceOf(long[].class, state.get("d"));
    }
}
