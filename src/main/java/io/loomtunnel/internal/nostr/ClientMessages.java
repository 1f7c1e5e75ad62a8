package io.loomtunnel.internal.nostr;

import java.util.List;

/** Writes what a client sends a relay (NIP-01): EVENT, REQ and CLOSE, as compact JSON arrays. */
public final class ClientMessages {
    /** Filters one REQ may carry. */
    public static final int MAX_FILTERS = 10;

    private ClientMessages() {}

    /** {@code ["EVENT", <event>]}: publish. */
    public static String event(NostrEvent e) {
        return "[\"EVENT\"," + EventJson.toJson(e) + "]";
    }

    /** {@code ["REQ", <subscription id>, <filter>...]}: subscribe (a REQ with a known id replaces that subscription). */
    public static String req(String subscriptionId, List<Filter> filters) {
        checkId(subscriptionId);
        if (filters.isEmpty() || filters.size() > MAX_FILTERS) {
            throw new IllegalArgumentException("a REQ carries 1 to " + MAX_FILTERS + " filters");
        }
        StringBuilder sb = new StringBuilder("[\"REQ\",");
        EventJson.string(sb, subscriptionId);
        filters.forEach(f -> sb.append(',').append(f.toJson()));
        return sb.append(']').toString();
    }

    /** {@code ["CLOSE", <subscription id>]}: unsubscribe. */
    public static String close(String subscriptionId) {
        checkId(subscriptionId);
        return EventJson.string(new StringBuilder("[\"CLOSE\","), subscriptionId).append(']').toString();
    }

    private static void checkId(String id) {
        if (id.isEmpty() || id.length() > RelayMessages.MAX_SUBSCRIPTION_ID) {
            throw new IllegalArgumentException("a subscription id has 1 to " + RelayMessages.MAX_SUBSCRIPTION_ID + " characters");
        }
    }
}
