package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;

/**
 * How offers reach a sharing peer and its answers go back: copy-paste ({@link ManualShareSignaling})
 * or a loomtunnel
 * server ({@code ServerShareSignaling}). Transports only: {@code SharePeer} verifies offers and
 * signs answers.
 */
public interface ShareSignaling {
    /**
     * Hands every offer that arrives to {@code handler} and delivers its answer, until no more
     * offers can come (the input ended), then returns. Offers are handled one after another, and
     * each quickly: connecting runs elsewhere.
     */
    void serve(OfferHandler handler) throws IOException;

    /** The server key this transport pins (one that goes through a loomtunnel server), else null: the dashboard shows it. */
    default PeerId serverId() {
        return null;
    }

    /** What a sharing peer does with offers. */
    interface OfferHandler {
        /**
         * The signed answer to deliver for {@code offer}: an acceptance or a refusal the other
         * side prints.
         *
         * @throws SignalException for an offer that gets no answer (forged, expired, replayed ...)
         */
        SignedBlock answer(SignedBlock offer) throws SignalException;

        /**
         * The same, with what the transport knows about paths: the connecting side's public
         * address as a server sees it, and a relay to fall back on.
         */
        default SignedBlock answer(SignedBlock offer, PathHints hints) throws SignalException {
            return answer(offer);
        }

        /** An offer refused without an answer, or input that was not a readable block. */
        void refused(SignalException problem);
    }
}
