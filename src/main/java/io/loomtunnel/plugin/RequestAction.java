package io.loomtunnel.plugin;

import java.util.Objects;

/** What a policy says of an arriving HTTP request head. */
public sealed interface RequestAction {
    /** The request goes on unchanged to the next policy. */
    RequestAction CONTINUE = new Continue();

    /** The request goes on unchanged to the next policy, and after the last to the service. */
    record Continue() implements RequestAction {}

    /**
     * The request is refused with the ingress's error page for the status; nothing crosses the tunnel.
     *
     * @param status the status code, 400 to 599
     */
    record Reject(int status) implements RequestAction {
        /**
         * Checks the status.
         *
         * @param status the status code, 400 to 599
         */
        public Reject {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a rejection's status must be 400 to 599, got " + status);
            }
        }
    }

    /**
     * The policy answers itself; nothing crosses the tunnel.
     *
     * @param response the whole response
     */
    record Respond(Response response) implements RequestAction {
        /**
         * Checks the response is there.
         *
         * @param response the whole response
         */
        public Respond {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * The request goes on changed: the next policy sees the change.
     *
     * @param method the new method (a token, as {@code GET})
     * @param target the new target, starting with '/'
     * @param headers the new header fields (framing fields as in {@link Request})
     */
    record Modify(String method, String target, Headers headers) implements RequestAction {
        /**
         * Checks the parts.
         *
         * @param method the new method
         * @param target the new target
         * @param headers the new header fields
         */
        public Modify {
            Objects.requireNonNull(headers, "headers");
            if (method == null || method.isEmpty() || !method.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
                throw new IllegalArgumentException("bad method " + method);
            }
            if (target == null || !target.startsWith("/") || target.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new IllegalArgumentException("a target must start with '/' and hold no spaces or controls: " + target);
            }
        }
    }

    /**
     * A rejection.
     *
     * @param status the status code, 400 to 599
     * @return the action
     */
    static RequestAction reject(int status) {
        return new Reject(status);
    }

    /**
     * An answer of the policy's own.
     *
     * @param response the whole response
     * @return the action
     */
    static RequestAction respond(Response response) {
        return new Respond(response);
    }

    /**
     * The request with other headers, same method and target.
     *
     * @param request the request as the policy saw it
     * @param headers the new header fields
     * @return the action
     */
    static RequestAction modify(Request request, Headers headers) {
        return new Modify(request.method(), request.target(), headers);
    }
}
