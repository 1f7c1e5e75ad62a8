package io.loomtunnel.plugin;

/**
 * A traffic policy: one hook per kind of traffic, each defaulting to "continue", so a policy
 * overrides only the hooks it needs. One instance serves its tunnel (or, server-wide, every tunnel)
 * from many threads at once: keep per-visitor state in a bounded structure such as
 * {@link VisitorState}, never in fields that grow.
 *
 * <p>Hooks run on the thread that carries the traffic, in the chain's declared order, and must
 * return within the chain's time bound (docs/PLUGINS.md, default one second; a body filter's
 * bound counts per call). A hook that throws, returns null, or overruns fails that one request,
 * connection or datagram closed (500, a closed connection, a dropped datagram), with one
 * rate-limited log line; the tunnel goes on. Do not block on the network in a hook unless you
 * must (a webhook check, say), and then with a timeout well inside the bound. A hook still blocked
 * a little past the bound is interrupted, once: let the {@link InterruptedException} (or the
 * interrupted socket's {@link java.io.IOException}) end the hook rather than swallow it.
 */
public interface Policy extends AutoCloseable {
    /**
     * A TCP connection arrives at a TCP tunnel (before any byte of it crosses the tunnel).
     *
     * @param connection the tunnel and the visitor
     * @return {@link Admission#ACCEPT} to go on, {@link Admission#REFUSE} to close it
     */
    default Admission onConnection(Connection connection) {
        return Admission.ACCEPT;
    }

    /**
     * Bytes the tunnel's service reads first, before the visitor's own (a PROXY protocol header),
     * on a TCP tunnel's connection every policy accepted. Runs on the server's ingress only; the
     * prefaces of several policies follow each other in the chain's order.
     *
     * @param connection the tunnel, the visitor and the public address
     * @return the bytes, empty for none (the default)
     */
    default byte[] preface(Connection connection) {
        return new byte[0];
    }

    /**
     * An HTTP request head arrives at an HTTP tunnel (before any byte of it crosses the tunnel).
     *
     * @param request the head, as the policies before this one left it
     * @return continue, reject, respond or modify
     */
    default RequestAction onRequest(Request request) {
        return RequestAction.CONTINUE;
    }

    /**
     * The request's body: called after every policy's {@link #onRequest} let the request go on,
     * before any of it is relayed; for a request without a body the filter's {@link BodyFilter#end}
     * is called at once (so a signature over an empty body is still checked).
     *
     * @param request the head as it goes to the service
     * @return a filter for this one body, or {@link BodyFilter#NONE}
     */
    default BodyFilter requestBody(Request request) {
        return BodyFilter.NONE;
    }

    /**
     * The service's response head comes back (not for interim 1xx heads nor a 101 upgrade).
     *
     * @param request the request as it went to the service
     * @param response the head, as the policies before this one left it
     * @return continue, modify or replace
     */
    default ResponseAction onResponse(Request request, ResponseHead response) {
        return ResponseAction.CONTINUE;
    }

    /**
     * The response's body: called after every policy's {@link #onResponse}; for a response without
     * a body (HEAD, 204, 304) the filter's {@link BodyFilter#end} is called at once.
     *
     * @param request the request as it went to the service
     * @param response the head as it goes to the visitor
     * @return a filter for this one body, or {@link BodyFilter#NONE}
     */
    default BodyFilter responseBody(Request request, ResponseHead response) {
        return BodyFilter.NONE;
    }

    /**
     * The exchange ended, however it ended (served, rejected by this or a later policy, refused by
     * the ingress, broken): called for every request this policy's {@link #onRequest} saw, after
     * the last byte. Only for counting and logging: what it returns or throws changes nothing.
     *
     * @param request the request as this policy saw it in {@link #onRequest}
     * @param completion the status, size, time and whether the service failed
     */
    default void onComplete(Request request, Completion completion) {}

    /**
     * A UDP datagram arrives at a UDP tunnel.
     *
     * @param datagram the tunnel, the sender and the payload
     * @return {@link DatagramAction#PASS} to go on, {@link DatagramAction#DROP} to drop it
     */
    default DatagramAction onDatagram(Datagram datagram) {
        return DatagramAction.PASS;
    }

    /** The tunnel (or the process) is done with this policy: release what it holds. Default: nothing. */
    @Override
    default void close() {}
}
