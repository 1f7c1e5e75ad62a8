package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.internal.signal.SignedBlock;
import java.util.Base64;

/**
 * A signed block inside a control message: its payload in base64url without padding. The kind is
 * the message's (an offer in {@code p2p_offer}, an answer in {@code p2p_answer}); no armor, no
 * checksum: the session's TLS protects it on the way.
 */
public final class BlockText {
    private BlockText() {}

    public static String encode(SignedBlock block) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(block.payload());
    }

    /** The block of {@code kind} that {@code text} holds; DAMAGED when it is missing, not base64url or too long. */
    public static SignedBlock decode(BlockKind kind, String text) throws SignalException {
        if (text == null || text.isEmpty()) {
            throw new SignalException(Problem.DAMAGED, "the message holds no " + kind.withArticle() + " block");
        }
        if (text.length() > (SignedBlock.MAX_PAYLOAD * 4 + 2) / 3) {
            throw new SignalException(Problem.DAMAGED, kind.withArticle() + " block of " + text.length()
                    + " characters is longer than any block");
        }
        try {
            return new SignedBlock(kind, Base64.getUrlDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new SignalException(Problem.DAMAGED, kind.withArticle() + " block is not base64url");
        }
    }
}
