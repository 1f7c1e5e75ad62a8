package io.loomtunnel.internal.signal;

import io.loomtunnel.tls.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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

    /** The armored text with one body character changed to another base64url character: damage in copying. */
    public static String flipBodyCharacter(String armored) {
        int at = armored.indexOf('\n', armored.indexOf("Checksum:")) + 11;
        char c = armored.charAt(at);
        return armored.substring(0, at) + (c == 'A' ? 'B' : 'A') + armored.substring(at + 1);
    }

    /**
     * A payload whose JSON has {@code from} replaced by {@code to}, the signature kept: a deliberate
     * edit, which a recomputed checksum cannot hide.
     */
    public static byte[] edited(byte[] payload, String from, String to) {
        String json = new String(payload, 0, payload.length - 64, StandardCharsets.UTF_8);
        String changed = json.replace(from, to);
        if (changed.equals(json)) {
            throw new IllegalArgumentException("'" + from + "' is not in the block");
        }
        byte[] e = changed.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(e, e.length + 64);
        System.arraycopy(payload, payload.length - 64, out, e.length, 64);
        return out;
    }

    /** An armored offer, as connect prints it. */
    public static String armoredOffer(Identity from, Identity to, Instant created, long seconds) {
        return Armor.encode(SignedBlocks.seal(from, offer(from, to, SignedBody.newSessionId(), created, seconds)));
    }
}
