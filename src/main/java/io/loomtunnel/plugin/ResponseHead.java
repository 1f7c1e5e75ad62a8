package io.loomtunnel.plugin;

/**
 * An HTTP response head coming back from the service (the body follows through
 * {@link Policy#responseBody}).
 *
 * @param status the status code, 100 to 599
 * @param headers the header fields
 */
public record ResponseHead(int status, Headers headers) {}
