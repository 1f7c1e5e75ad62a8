package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.Signatures;
import io.loomtunnel.internal.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Signs and opens block payloads: {@code JSON body || Ed25519 signature}, the signature over
 * {@link #DOMAIN} followed by the JSON, with the key the body names. Opening checks the signature
 * before anything in the body is believed, then that the key is the sender's id.
 */
public final class SignedBlocks {
    /** Signed in front of the body, so a block's signature can never be taken for another protocol's. */
    static final byte[] DOMAIN = "loomtunnel p2p block v1\n".getBytes(StandardCharsets.US_ASCII);

    private SignedBlocks() {}

    /** The raw public key of {@code identity} as a block's {@code key} member. */
    public static String keyOf(Identity identity) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Signatures.publicKey(identity));
    }

    /** Signs {@code body} (whose {@code key} must be the identity's) as a block of its kind. */
    public static SignedBlock seal(Identity identity, SignedBody body) {
        if (!keyOf(identity).equals(body.key()) || !identity.id().value().equals(body.from())) {
            throw new IllegalArgumentException("a block must name the key and id of the identity that signs it");
        }
        BlockKind kind = body instanceof Offer ? BlockKind.OFFER : BlockKind.ANSWER;
        byte[] json = ControlCodec.encodeTagged(kind.type(), body);
        byte[] signature = Signatures.sign(identity, signed(json));
        byte[] payload = Arrays.copyOf(json, json.length + signature.length);
        System.arraycopy(signature, 0, payload, json.length, signature.length);
        if (payload.length > SignedBlock.MAX_PAYLOAD) {
            throw new IllegalArgumentException("block of " + payload.length + " bytes exceeds " + SignedBlock.MAX_PAYLOAD);
        }
        return new SignedBlock(kind, payload);
    }

    /**
     * Verifies the block and returns its body, well-formed; says what is wrong otherwise.
     *
     * @param expected the kind the caller waits for
     */
    public static <T extends SignedBody> T open(SignedBlock block, BlockKind expected, Class<T> type) throws SignalException {
        if (block.kind() != expected) {
            throw new SignalException(Problem.WRONG_KIND, "expected " + expected.withArticle() + " block, got "
                    + block.kind().withArticle() + " block");
        }
        String what = expected.withArticle();
        byte[] payload = block.payload();
        if (payload.length <= Signatures.SIGNATURE_BYTES) {
            throw new SignalException(Problem.DAMAGED, what + " of " + payload.length + " bytes is too short to be signed");
        }
        byte[] json = Arrays.copyOf(payload, payload.length - Signatures.SIGNATURE_BYTES);
        byte[] signature = Arrays.copyOfRange(payload, json.length, payload.length);
        ControlCodec.Tagged message;
        try {
            message = ControlCodec.decodeTagged(json);
        } catch (ProtocolException e) {
            throw new SignalException(Problem.DAMAGED, what + " body is not valid JSON");
        }
        if (!message.type().equals(expected.type())) {
            throw new SignalException(Problem.DAMAGED, "a block marked as " + what + " holds a body of type '"
                    + Armor.shorten(message.type()) + "'");
        }
        byte[] key = rawKey(message.body().path("key").asText(""));
        if (key == null || !Signatures.verify(key, signed(json), signature)) {
            throw new SignalException(Problem.FORGED, what + "'s signature does not verify: the block was altered after it was signed");
        }
        T body;
        try {
            body = message.as(type);
        } catch (ProtocolException e) {
            throw new SignalException(Problem.DAMAGED, what + " body has members of the wrong type");
        }
        SignedBody.check(body, what);
        PeerId signer = Signatures.idOf(key);
        if (!signer.value().equals(body.from())) {
            throw new SignalException(Problem.FORGED, what + " says it is from " + Armor.shorten(body.from())
                    + " but is signed by " + signer.abbreviated() + "…");
        }
        return body;
    }

    private static byte[] rawKey(String text) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(text);
            return raw.length == Signatures.PUBLIC_KEY_BYTES ? raw : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] signed(byte[] json) {
        byte[] out = Arrays.copyOf(DOMAIN, DOMAIN.length + json.length);
        System.arraycopy(json, 0, out, DOMAIN.length, json.length);
        return out;
    }
}
