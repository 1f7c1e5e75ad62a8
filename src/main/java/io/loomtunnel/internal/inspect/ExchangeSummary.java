package io.loomtunnel.internal.inspect;

/**
 * One exchange in a line, as {@code GET /api/requests} lists it and as the inspector's change
 * listeners hear of it (docs/DASHBOARD.md, "Inspector").
 *
 * @param id "r" and a number, unique in this client's run
 * @param path the request target as sent (path and query)
 * @param status the response's status, null until it arrives
 * @param startedAt when the request's head was read, epoch milliseconds
 * @param durationMillis from the request's head to the response's end, null while open
 * @param requestBytes the request's head and body bytes
 * @param responseBytes the response's head and body bytes (0 until it arrives)
 * @param replayOf the exchange this one replays, or null
 * @param state open, done or failed
 */
public record ExchangeSummary(String id, String tunnel, String method, String path, Integer status, long startedAt,
                              Double durationMillis, long requestBytes, long responseBytes, String replayOf, String state) {

    static ExchangeSummary of(Exchange.Snapshot s) {
        Exchange e = s.exchange();
        MessageHead response = s.response();
        return new ExchangeSummary(e.id, e.tunnel, s.request().method(), s.request().target(),
                response == null ? null : response.status(), e.startedAtMillis, s.endMillis(),
                s.request().size() + s.requestSize(), response == null ? 0 : response.size() + s.responseSize(), e.replayOf,
                s.state().name().toLowerCase(java.util.Locale.ROOT));
    }
}
