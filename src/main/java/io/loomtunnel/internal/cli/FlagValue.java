package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.net.HostPort;
import java.net.InetSocketAddress;
import java.util.function.Function;

/** Turns flag values into settings with one-line errors that name the flag, and addresses into text. */
final class FlagValue {
    private FlagValue() {}

    /** Parses {@code value} of {@code flag}; a bad value is a UsageException like "--server must be HOST:PORT, got 'x'". */
    static <T> T parse(String flag, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + " " + e.getMessage());
        }
    }

    /** {@code host:port}, IPv6 in brackets, without a reverse DNS lookup. */
    static String address(InetSocketAddress a) {
        return HostPort.text(a);
    }
}
