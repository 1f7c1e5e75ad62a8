package io.loomtunnel.internal.policy;

import io.loomtunnel.internal.limits.RefusalLog;
import io.loomtunnel.plugin.Admission;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import io.loomtunnel.plugin.Completion;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Datagram;
import io.loomtunnel.plugin.DatagramAction;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import io.loomtunnel.plugin.Response;
import io.loomtunnel.plugin.ResponseAction;
import io.loomtunnel.plugin.ResponseHead;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A tunnel's policies in their declared order, and the one place their hooks are called: each call
 * is guarded, so a hook that throws, returns null or overruns the time bound fails that one
 * request, connection or datagram closed (500, refused, dropped) with a rate-limited log line, and
 * the chain goes on serving the next.
 *
 * <p>Time: a hook runs on the thread that carries the traffic (no thread per call) and is measured
 * when it returns: an overrun fails closed. A hook still running past the bound (plus a grace) is
 * interrupted once by its registry's {@link HookWatchdog}, so one blocked in a sleep, a wait or its
 * own socket I/O wakes and fails closed as an overrun; the interrupt never reaches the thread
 * after the call and is cleared before the traffic's own I/O goes on. A hook spinning on the CPU
 * cannot be stopped: it is an overrun when it returns.
 *
 * <p>Thread-safe: immutable; policies serve many threads at once (their contract).
 */
public final class PolicyChain implements AutoCloseable {
    /** The default bound on one hook call. */
    public static final Duration DEFAULT_BOUND = Duration.ofSeconds(1);
    /** No policies: every hook is a no-op. */
    public static final PolicyChain EMPTY = new PolicyChain(List.of(), new HookWatchdog("no policies", DEFAULT_BOUND));
    private static final System.Logger LOG = System.getLogger(PolicyChain.class.getName());
    private static final RefusalLog FAULTS = new RefusalLog("policy chain", Duration.ofSeconds(10),
            line -> LOG.log(System.Logger.Level.WARNING, line), System::nanoTime);
    private static final Response FAILED = Response.text(500, "A traffic policy failed.\n");

    /** One policy of the chain, with its type for the log. */
    record Link(String type, Policy policy) {}

    /** A hook failed: the traffic it was about fails closed. */
    static final class Fault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fault(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What the request hooks decided.
     *
     * @param action Continue (go on with {@code request}), Reject (with a status; 500 for a fault) or Respond
     * @param request the request as the last policy left it
     * @param seen the request as each policy that saw it saw it, in order (for {@link #complete})
     */
    public record RequestDecision(RequestAction action, Request request, List<Request> seen) {}

    /**
     * What the response hooks decided: {@code head} goes on, unless {@code replacement} is not null.
     *
     * @param head the head as the last policy left it
     * @param replacement the response the visitor gets instead (a policy's, or a 500 for a fault), or null
     */
    public record ResponseDecision(ResponseHead head, Response replacement) {}

    private final List<Link> links;
    private final HookWatchdog watchdog;
    private final long boundNanos;

    /** The policies {@code links}, each call bounded by {@code watchdog}'s bound and watched by it. */
    PolicyChain(List<Link> links, HookWatchdog watchdog) {
        this.links = List.copyOf(links);
        this.watchdog = watchdog;
        this.boundNanos = watchdog.bound().toNanos();
    }

    /** Whether there is no policy at all (the ingress then skips every hook). */
    public boolean isEmpty() {
        return links.isEmpty();
    }

    /** How many policies. */
    public int size() {
        return links.size();
    }

    /** This chain's policies, then {@code after}'s (server-wide, then the tunnel's own), bounded and watched as this one. */
    public PolicyChain then(PolicyChain after) {
        if (after.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return after;
        }
        List<Link> all = new ArrayList<>(links);
        all.addAll(after.links);
        return new PolicyChain(all, watchdog);
    }

    /** A TCP connection arrives: true to let it in (every policy accepted), false to close it. */
    public boolean admit(Connection connection) {
        return allows("onConnection", p -> p.onConnection(connection), Admission.REFUSE);
    }

    /**
     * What the service reads first on an admitted TCP connection: every policy's preface in order
     * (empty for none), or null when one failed (the connection is then refused, as a fault is).
     */
    public byte[] preface(Connection connection) {
        byte[] all = new byte[0];
        for (Link l : links) {
            byte[] more;
            try {
                more = call(l, "preface", () -> l.policy().preface(connection));
            } catch (Fault f) {
                return null;
            }
            if (more.length > 0) {
                byte[] joined = java.util.Arrays.copyOf(all, all.length + more.length);
                System.arraycopy(more, 0, joined, all.length, more.length);
                all = joined;
            }
        }
        return all;
    }

    /** A UDP datagram arrives: true to pass it on, false to drop it. */
    public boolean pass(Datagram datagram) {
        return allows("onDatagram", p -> p.onDatagram(datagram), DatagramAction.DROP);
    }

    /** Whether no policy answers {@code no} (a fault counts as {@code no}). */
    private <T> boolean allows(String hook, Function<Policy, T> decide, T no) {
        for (Link l : links) {
            try {
                if (call(l, hook, () -> decide.apply(l.policy())) == no) {
                    return false;
                }
            } catch (Fault f) {
                return false;
            }
        }
        return true;
    }

    /** An HTTP request head arrives: runs onRequest in order until one does not continue. */
    public RequestDecision onRequest(Request request) {
        List<Request> seen = new ArrayList<>(links.size());
        Request current = request;
        for (Link l : links) {
            seen.add(current);
            Request now = current;
            RequestAction action;
            try {
                action = call(l, "onRequest", () -> l.policy().onRequest(now));
            } catch (Fault f) {
                return new RequestDecision(new RequestAction.Reject(500), current, seen);
            }
            switch (action) {
                case RequestAction.Continue c -> { }
                case RequestAction.Modify m -> current = new Request(now.tunnel(), now.visitor(), m.method(), m.target(), m.headers());
                case RequestAction.Reject r -> {
                    return new RequestDecision(r, current, seen);
                }
                case RequestAction.Respond r -> {
                    return new RequestDecision(r, current, seen);
                }
            }
        }
        return new RequestDecision(RequestAction.CONTINUE, current, seen);
    }

    /** The service's response head comes back: runs onResponse in order until one replaces it. */
    public ResponseDecision onResponse(Request request, ResponseHead response) {
        ResponseHead current = response;
        for (Link l : links) {
            ResponseHead now = current;
            ResponseAction action;
            try {
                action = call(l, "onResponse", () -> l.policy().onResponse(request, now));
            } catch (Fault f) {
                return new ResponseDecision(current, FAILED);
            }
            switch (action) {
                case ResponseAction.Continue c -> { }
                case ResponseAction.Modify m -> current = m.head();
                case ResponseAction.Replace r -> {
                    return new ResponseDecision(current, r.response());
                }
            }
        }
        return new ResponseDecision(current, null);
    }

    /**
     * The filters of the request body, composed in order, or {@link BodyFilter#NONE} when no policy
     * filters it. A fault asking for the filter fails the body at once (a filter that rejects with 500).
     */
    public BodyFilter requestBody(Request request) {
        return filters("requestBody", l -> l.policy().requestBody(request));
    }

    /** The filters of the response body, as {@link #requestBody}. */
    public BodyFilter responseBody(Request request, ResponseHead response) {
        return filters("responseBody", l -> l.policy().responseBody(request, response));
    }

    /** The exchange ended: tells each policy that saw the request (its faults are logged, nothing more). */
    public void complete(List<Request> seen, Completion completion) {
        for (int i = 0; i < seen.size() && i < links.size(); i++) {
            Link l = links.get(i);
            Request r = seen.get(i);
            try {
                call(l, "onComplete", () -> {
                    l.policy().onComplete(r, completion);
                    return Boolean.TRUE;
                });
            } catch (Fault f) {
                // logged; the exchange is over anyway
            }
        }
    }

    /** Closes every policy (the tunnel is gone); a policy's failure to close is logged. */
    @Override
    public void close() {
        links.forEach(PolicyChain::closeQuietly);
    }

    static void closeQuietly(Link l) {
        try {
            l.policy().close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "policy " + l.type() + " failed to close: " + e);
        }
    }

    private BodyFilter filters(String hook, Function<Link, BodyFilter> get) {
        List<Named> chosen = new ArrayList<>();
        for (Link l : links) {
            BodyFilter f;
            try {
                f = call(l, hook, () -> get.apply(l));
            } catch (Fault e) {
                return new Failed();
            }
            if (f != BodyFilter.NONE) {
                chosen.add(new Named(l, f));
            }
        }
        return chosen.isEmpty() ? BodyFilter.NONE : new Composite(chosen);
    }

    /** A filter that refuses the body with 500 (its policy failed to make it). */
    private static final class Failed implements BodyFilter {
        @Override
        public ByteBuffer data(ByteBuffer chunk) throws BodyRejectedException {
            throw new BodyRejectedException(500, "a policy failed");
        }

        @Override
        public ByteBuffer end() throws BodyRejectedException {
            throw new BodyRejectedException(500, "a policy failed");
        }
    }

    private record Named(Link link, BodyFilter filter) {}

    /** Body filters one after another, each call guarded as the hooks are. */
    private final class Composite implements BodyFilter {
        private final List<Named> filters;

        Composite(List<Named> filters) {
            this.filters = filters;
        }

        @Override
        public ByteBuffer data(ByteBuffer chunk) throws BodyRejectedException {
            ByteBuffer b = chunk;
            for (Named n : filters) {
                ByteBuffer in = b;
                b = guarded(n, "data", () -> n.filter().data(in));
            }
            return b;
        }

        @Override
        public ByteBuffer end() throws BodyRejectedException {
            // Each filter's end output goes through the filters after it, then their own end.
            ByteBuffer tail = ByteBuffer.allocate(0);
            for (int i = 0; i < filters.size(); i++) {
                Named n = filters.get(i);
                ByteBuffer in = tail;
                ByteBuffer passed = in.hasRemaining() ? guarded(n, "data", () -> n.filter().data(in)) : in;
                ByteBuffer ended = guarded(n, "end", () -> n.filter().end());
                tail = concat(passed, ended);
            }
            return tail;
        }

        private ByteBuffer guarded(Named n, String what, Hook<ByteBuffer> call) throws BodyRejectedException {
            try {
                return timed(n.link(), "body filter " + what, call);
            } catch (Fault f) {
                throw new BodyRejectedException(500, "policy " + n.link().type() + " failed");
            }
        }
    }

    /** One hook call; only a body filter's may throw {@link BodyRejectedException}. */
    private interface Hook<T> {
        T run() throws BodyRejectedException;
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        if (!a.hasRemaining()) {
            return b;
        }
        if (!b.hasRemaining()) {
            return a;
        }
        ByteBuffer out = ByteBuffer.allocate(a.remaining() + b.remaining());
        out.put(a.duplicate()).put(b.duplicate()).flip();
        return out;
    }

    /** Calls a hook within the bound; a throw, a null or an overrun is a logged Fault. */
    private <T> T call(Link l, String hook, Supplier<T> body) {
        try {
            return timed(l, hook, body::get);
        } catch (BodyRejectedException e) {
            throw fault(l, hook, "threw " + e); // only a filter may: a plugin that threw it undeclared
        }
    }

    /**
     * Runs a hook watched by the watchdog; a throw, a null or an overrun (measured on return, or
     * the watchdog's interrupt) is a logged Fault. A body filter's refusal goes on as it is, unless
     * the watchdog cut the call (the refusal may be the interrupt's doing).
     */
    private <T> T timed(Link l, String hook, Hook<T> body) throws BodyRejectedException {
        long start = System.nanoTime();
        HookWatchdog.Call watched = watchdog.enter(start);
        T out = null;
        Throwable thrown = null;
        boolean cut;
        try {
            out = body.run();
        } catch (Exception | LinkageError | StackOverflowError e) {
            thrown = e; // Exception: a plugin in another JVM language may throw checked ones undeclared
        } finally {
            cut = watched.exit();
        }
        if (cut) {
            throw fault(l, hook, overran() + " and was interrupted");
        }
        if (thrown instanceof BodyRejectedException rejected) {
            throw rejected;
        }
        if (thrown != null) {
            throw fault(l, hook, "threw " + thrown);
        }
        if (out == null) {
            throw fault(l, hook, "returned null");
        }
        if (System.nanoTime() - start > boundNanos) {
            throw fault(l, hook, overran());
        }
        return out;
    }

    private String overran() {
        return "overran its time bound of " + Duration.ofNanos(boundNanos).toMillis() + " ms";
    }

    private static Fault fault(Link l, String hook, String what) {
        String reason = "policy " + l.type() + " " + hook + " failed";
        FAULTS.refused(l.type(), reason, what);
        return new Fault(reason);
    }
}
