package io.loomtunnel.internal.inspect;

import java.util.List;

/**
 * What a replay changes of the captured request; null members keep the captured ones.
 *
 * @param headers the whole header list to send (a value reading {@value HeaderMask#MASKED} is the captured one)
 * @param body the body to send, as UTF-8 text
 */
record ReplayEdits(String method, String path, List<Header> headers, String body) {
    static final ReplayEdits NONE = new ReplayEdits(null, null, null, null);
}
