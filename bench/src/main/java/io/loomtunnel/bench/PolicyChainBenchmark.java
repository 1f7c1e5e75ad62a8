package io.loomtunnel.bench;

import io.loomtunnel.plugin.Headers;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What built-in policies cost per HTTP request head (ns/op), through the plugin SPI as the chain
 * calls it, each policy's {@code onRequest} in turn with its Modify applied: {@code none} (no
 * policy), {@code three} (ip-allow, rate-limit per visitor, headers set and remove) and
 * {@code auth} (the three and basic-auth with a remembered right password; a first check costs a
 * bcrypt, milliseconds, by design).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class PolicyChainBenchmark {
    /** "$2y$04$" bcrypt of "wonder" with a zero salt: cheap to make, as the remembered check never runs bcrypt. */
    private static final String ALICE = "alice:$2y$04$......................87D3mOH1KPPeASoEEEG5Ar5WKqc5MEq";

    @State(Scope.Thread)
    public static class Chain {
        @Param({"none", "three", "auth"})
        public String policies;

        List<Policy> chain;
        Request request;

        @Setup
        public void setUp() throws PolicyConfigException {
            chain = new ArrayList<>();
            if (!policies.equals("none")) {
                chain.add(make("ip-allow", Map.of("cidrs", List.of("127.0.0.0/8", "10.0.0.0/8", "2001:db8::/32"))));
                chain.add(make("rate-limit", Map.of("requests", 1_000_000L, "per", "1ms")));
                chain.add(make("headers", Map.of("request_set", Map.of("X-Env", "bench"), "request_remove", List.of("Cookie"))));
            }
            if (policies.equals("auth")) {
                chain.add(make("basic-auth", Map.of("users", List.of(ALICE))));
            }
            String credentials = Base64.getEncoder().encodeToString("alice:wonder".getBytes(StandardCharsets.UTF_8));
            request = new Request("web", new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000), "GET", "/index.html?x=1",
                    Headers.of("Host", "web.example.com", "User-Agent", "curl/8.5.0", "Accept", "*/*", "Cookie", "a=1",
                            "Authorization", "Basic " + credentials));
            if (!(run(this) instanceof RequestAction.Continue)) {
                throw new IllegalStateException("the chain does not let the benchmark's request through: " + run(this));
            }
        }
    }

    static Policy make(String type, Map<String, ?> settings) throws PolicyConfigException {
        for (PolicyProvider p : ServiceLoader.load(PolicyProvider.class)) {
            if (p.name().equals(type)) {
                return p.create(PolicySettings.local("bench", Path.of("."), settings));
            }
        }
        throw new IllegalStateException("no built-in " + type);
    }

    /** The chain's request walk, as internal.policy.PolicyChain does it (less its time bound). */
    static RequestAction run(Chain c) {
        Request r = c.request;
        for (Policy p : c.chain) {
            RequestAction a = p.onRequest(r);
            if (a instanceof RequestAction.Modify m) {
                r = new Request(r.tunnel(), r.visitor(), m.method(), m.target(), m.headers());
            } else if (!(a instanceof RequestAction.Continue)) {
                return a;
            }
        }
        return RequestAction.CONTINUE;
    }

    @Benchmark
    public RequestAction requestHead(Chain c) {
        return run(c);
    }
}
