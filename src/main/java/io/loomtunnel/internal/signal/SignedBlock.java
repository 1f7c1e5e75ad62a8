package io.loomtunnel.internal.signal;

import java.util.Arrays;
import java.util.Objects;

/**
 * A signaling block as it travels: its kind and its payload, the signed JSON body followed by the
 * 64-byte Ed25519 signature (docs/protocol/SESSION.md, "Peer-to-peer"). {@link SignedBlocks} makes and
 * opens payloads; {@link Armor} turns blocks into text and back.
 */
public record SignedBlock(BlockKind kind, byte[] payload) {
    /** Largest payload accepted: a body with 16 candidates is about 1.5 KiB. */
    public static final int MAX_PAYLOAD = 4096;

    public SignedBlock {
        Objects.requireNonNull(kind, "kind");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedBlock b && b.kind == kind && Arrays.equals(b.payload, payload);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "SignedBlock[" + kind + ", " + payload.length + " bytes]";
    }
}
