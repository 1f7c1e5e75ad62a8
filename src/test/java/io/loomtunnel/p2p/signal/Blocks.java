package io.loomtunnel.p2p.signal;

import io.loomtunnel.tls.Identity;
import java.time.Instant;
import java.util.List;

/** Signed offers and answers for tests, with the members a test wants to vary. */
public final class Blocks {
    private Blocks() {}

    /** An offer from {@code from} to {@code to} for service "echo", valid from {@code created} for {@code seconds}. */
    public static Offer offer(Identity from, Identity to, String session, Instant created, long seconds) {
        return new Offer(from.id().value(), SignedBlocks.keyOf(from), to.id().value(), session, "echo",
                List.of("127.0.0.1:40001", "[::1]:40001"), created.getEpochSecond(), created.getEpochSecond() + seconds);
    }

    public static SignedBlock sealedOffer(Identity from, Identity to) {
        return SignedBlocks.seal(from, offer(from, to, SignedBody.newSessionId(), Instant.now(), 600));
    }

    /** An armored offer, as connect prints it. */
    public static String armoredOffer(Identity from, Identity to, Instant created, long seconds) {
        return Armor.encode(SignedBlocks.seal(from, offer(from, to, SignedBody.newSessionId(), created, seconds)));
    }
}
