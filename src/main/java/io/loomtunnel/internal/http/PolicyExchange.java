package io.loomtunnel.internal.http;

import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.Completion;
import io.loomtunnel.plugin.Header;
import io.loomtunnel.plugin.Headers;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One request's way through its tunnel's policy chain (docs/PLUGINS.md): the ingress's heads
 * shown to the policies as SPI records and their changes taken back, the exchange's outcome kept
 * for {@link PolicyChain#complete}. Framing and hop-by-hop fields stay the ingress's: a policy's
 * changes to them are ignored. Used by one connection's thread.
 */
final class PolicyExchange {
    /** The fields whose values only the ingress sets (a policy's changes to them are ignored). */
    private static final Set<String> INGRESS_OWNED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "te", "trailer", "upgrade", "proxy-connection", "expect");

    private final PolicyChain chain;
    private final long start = System.nanoTime();
    private final PolicyChain.RequestDecision decision;
    private int status;
    private long responseBytes;
    private boolean serviceFailed;

    private PolicyExchange(PolicyChain chain, PolicyChain.RequestDecision decision) {
        this.chain = chain;
        this.decision = decision;
    }

    /** Runs the request hooks of {@code route}'s chain on {@code request} (its target in origin-form); null when the route has no policy. */
    static PolicyExchange begin(HttpRoute route, InetSocketAddress visitor, RequestHead request, String originTarget) {
        PolicyChain chain = route.policies();
        if (chain.isEmpty()) {
            return null;
        }
        Request shown = new Request(route.name(), visitor, request.method(), originTarget, headers(request.fields()));
        return new PolicyExchange(chain, chain.onRequest(shown));
    }

    RequestAction action() {
        return decision.action();
    }

    /** The request as the policies left it, as the ingress's head (its own framing fields kept). */
    RequestHead upstreamHead(RequestHead original) {
        Request r = decision.request();
        return new RequestHead(r.method(), r.target(), original.http11(), merge(original.fields(), r.headers()));
    }

    /** The request as it goes to the service, for the response and body hooks. */
    Request request() {
        return decision.request();
    }

    BodyFilter requestBody() {
        return chain.requestBody(decision.request());
    }

    /** Runs the response hooks; the decision's head as the ingress's (framing fields the service's). */
    PolicyChain.ResponseDecision onResponse(ResponseHead response) {
        return chain.onResponse(decision.request(), responseView(response));
    }

    BodyFilter responseBody(ResponseHead response) {
        return chain.responseBody(decision.request(), responseView(response));
    }

    static ResponseHead merged(ResponseHead original, io.loomtunnel.plugin.ResponseHead changed) {
        String reason = changed.status() == original.status() ? original.reason() : ErrorPages.reason(changed.status());
        return new ResponseHead(changed.status(), reason, merge(original.fields(), changed.headers()));
    }

    /** A policy's own whole response, framed by the ingress. */
    static byte[] encode(io.loomtunnel.plugin.Response response, boolean headOnly, String connection) {
        List<Field> fields = new ArrayList<>();
        for (Header h : response.headers().fields()) {
            if (!INGRESS_OWNED.contains(h.name().toLowerCase(Locale.ROOT))) {
                fields.add(new Field(h.name(), h.value()));
            }
        }
        fields.add(new Field("Content-Length", Integer.toString(response.body().length)));
        if (connection != null) {
            fields.add(new Field("Connection", connection));
        }
        byte[] head = new ResponseHead(response.status(), ErrorPages.reason(response.status()), new Fields(fields)).encode();
        if (headOnly) {
            return head;
        }
        byte[] out = new byte[head.length + response.body().length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(response.body(), 0, out, head.length, response.body().length);
        return out;
    }

    /** The visitor got this status (the last one said counts). */
    void answered(int status) {
        this.status = status;
    }

    void sent(long bytes) {
        responseBytes += bytes;
    }

    /** The ingress refused the request itself (an error page with {@code status}). */
    void refused(int status, boolean appCaused) {
        this.status = status;
        this.serviceFailed |= appCaused;
    }

    /** Tells the policies how the exchange ended. */
    void complete() {
        chain.complete(decision.seen(), new Completion(status, responseBytes, Duration.ofNanos(System.nanoTime() - start),
                serviceFailed));
    }

    private static io.loomtunnel.plugin.ResponseHead responseView(ResponseHead response) {
        return new io.loomtunnel.plugin.ResponseHead(response.status(), headers(response.fields()));
    }

    private static Headers headers(Fields fields) {
        List<Header> list = new ArrayList<>(fields.list().size());
        for (Field f : fields.list()) {
            list.add(new Header(f.name(), f.value()));
        }
        return new Headers(list);
    }

    /** The policy's fields, but the ingress-owned ones as they were. */
    private static Fields merge(Fields original, Headers changed) {
        List<Field> out = new ArrayList<>();
        for (Field f : original.list()) {
            if (INGRESS_OWNED.contains(f.name().toLowerCase(Locale.ROOT))) {
                out.add(f);
            }
        }
        for (Header h : changed.fields()) {
            if (!INGRESS_OWNED.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(new Field(h.name(), h.value()));
            }
        }
        return new Fields(out);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
