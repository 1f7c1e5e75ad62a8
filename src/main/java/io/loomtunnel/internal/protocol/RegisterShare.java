package io.loomtunnel.internal.protocol;

import java.util.List;

/**
 * Share to server: enter this session's peer id in the directory (docs/protocol/P2P.md 9.5). Only the
 * peers in {@code allow} can find it; sent again, it replaces the list.
 *
 * @param allow peer ids, at most {@link #MAX_ALLOWED}
 */
public record RegisterShare(List<String> allow) implements DirectoryMessage {
    /** What fits one control frame with room to spare (an id is 52 characters). */
    public static final int MAX_ALLOWED = 1_000;

    public RegisterShare {
        allow = allow == null ? null : List.copyOf(allow);
    }
}
