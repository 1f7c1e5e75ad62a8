package io.loomtunnel.plugin;

import java.util.Objects;

/** What a policy says of a response head coming back from the service. */
public sealed interface ResponseAction {
    /** The response goes on unchanged to the next policy. */
    ResponseAction CONTINUE = new Continue();

    /** The response goes on unchanged to the next policy, and after the last to the visitor. */
    record Continue() implements ResponseAction {}

    /**
     * The response goes on with another status or other header fields; the body is the service's.
     *
     * @param head the new head (framing fields as in {@link Request})
     */
    record Modify(ResponseHead head) implements ResponseAction {
        /**
         * Checks the head.
         *
         * @param head the new head
         */
        public Modify {
            Objects.requireNonNull(head, "head");
            if (head.status() < 200 || head.status() > 599) {
                throw new IllegalArgumentException("a modified status must be 200 to 599, got " + head.status());
            }
        }
    }

    /**
     * The visitor gets this response instead; the service's body is read and dropped.
     *
     * @param response the whole response
     */
    record Replace(Response response) implements ResponseAction {
        /**
         * Checks the response is there.
         *
         * @param response the whole response
         */
        public Replace {
            Objects.requireNonNull(response, "response");
        }
    }
}
