package io.loomtunnel.plugin;

import java.time.Duration;

/**
 * How one HTTP exchange ended, for policies that count or log ({@link Policy#onComplete}).
 *
 * @param status the status the visitor got, or 0 when it got none (the connection broke first)
 * @param responseBytes the response body bytes sent to the visitor
 * @param elapsed from the request head read to the exchange's end
 * @param serviceFailed true when the service could not be reached or gave no valid answer (the
 *     visitor got the ingress's 502 or 504), as a circuit breaker counts failures
 */
public record Completion(int status, long responseBytes, Duration elapsed, boolean serviceFailed) {}
