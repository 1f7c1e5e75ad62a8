package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.protocol.SessionIds;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.tls.PeerId;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What offers and answers have in common: who signed (id and raw key), for whom, which session,
 * where the sender can be reached, and when the block stops being valid (epoch seconds).
 */
public sealed interface SignedBody permits Offer, Answer {
    /** Candidates one block may carry. */
    int MAX_CANDIDATES = 16;
    /** The longest a block may be valid; bounds how long a replay guard must remember it. */
    Duration MAX_LIFETIME = Duration.ofHours(1);
    /** Service names: as tunnel names, 1-63 lowercase letters, digits or '-'. */
    Pattern SERVICE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Session ids: 16 random bytes in base64url, 22 characters. */
    Pattern SESSION_ID = SessionIds.PATTERN;

    String from();

    String key();

    String to();

    String session();

    String service();

    List<String> candidates();

    long created();

    long expires();

    /** A fresh random session id. */
    static String newSessionId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The sender's id. Valid after {@link #check}. */
    default PeerId sender() {
        return PeerId.parse(from());
    }

    /** The recipient's id. Valid after {@link #check}. */
    default PeerId recipient() {
        return PeerId.parse(to());
    }

    /** The candidates as addresses. Valid after {@link #check}. */
    default List<InetSocketAddress> candidateAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        candidates().forEach(c -> out.add(HostPort.parseBind(c)));
        return out;
    }

    /** Refuses a body whose members are missing or malformed (a signed but broken block: a buggy peer). */
    static void check(SignedBody b, String what) throws SignalException {
        require(b.from() != null && b.to() != null, what + " names no sender or recipient");
        require(b.session() != null && SESSION_ID.matcher(b.session()).matches(), what + " has no valid session id");
        require(b.service() != null && SERVICE_NAME.matcher(b.service()).matches(), what + " has no valid service name");
        require(b.candidates() != null && b.candidates().size() <= MAX_CANDIDATES,
                what + " has no candidate list, or more than " + MAX_CANDIDATES + " candidates");
        require(b.created() > 0 && b.expires() > b.created() && b.expires() - b.created() <= MAX_LIFETIME.toSeconds(),
                what + " has a lifetime that is not between 1 s and " + MAX_LIFETIME.toMinutes() + " min");
        try {
            PeerId.parse(b.from());
            PeerId.parse(b.to());
            for (String c : b.candidates()) {
                if (HostPort.parseBind(c).getPort() == 0) {
                    throw new IllegalArgumentException("candidate " + Armor.shorten(c) + " has port 0");
                }
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SignalException(Problem.DAMAGED, what + " is malformed: " + Armor.shorten(String.valueOf(e.getMessage())));
        }
    }

    /** Refuses a configured block lifetime outside 1 s to {@link #MAX_LIFETIME}. */
    static void checkLifetime(String what, Duration d) {
        if (d.toSeconds() < 1 || d.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException(what + " lifetime must be from 1 s to " + MAX_LIFETIME.toMinutes() + " min, got " + d);
        }
    }

    private static void require(boolean ok, String message) throws SignalException {
        if (!ok) {
            throw new SignalException(Problem.DAMAGED, message);
        }
    }
}
