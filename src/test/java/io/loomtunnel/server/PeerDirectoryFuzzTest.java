package io.loomtunnel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.rendezvous.AnswerMessage;
import io.loomtunnel.internal.rendezvous.OfferMessage;
import io.loomtunnel.internal.rendezvous.RegisterShare;
import io.loomtunnel.internal.rendezvous.Unanswered;
import io.loomtunnel.internal.signal.Answer;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.Offer;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.internal.wire.ProtocolException;

/**
 * What the server's peer directory reads from peers (docs/protocol/P2P.md 9.5), on arbitrary bytes: a
 * control message, read as the record its type names, and the signed block inside an offer or
 * answer, decoded and verified. Each ends in a value or a ProtocolException / SignalException
 * with a one-line message, never another exception. Seeds:
 * src/test/resources/io/loomtunnel/server/PeerDirectoryFuzzTestInputs/.
 */
class PeerDirectoryFuzzTest {

    @FuzzTest
    void messages(byte[] data) {
        try {
            ControlCodec.Message m = ControlCodec.decode(data);
            switch (m.type()) {
                case OfferMessage.TYPE -> {
                    Offer offer = PeerDirectory.open(m.as(OfferMessage.class).block(), BlockKind.OFFER, Offer.class);
                    assertEquals(offer.from(), offer.sender().value(), "a verified offer names a valid sender");
                }
                case AnswerMessage.TYPE -> {
                    Answer answer = PeerDirectory.open(m.as(AnswerMessage.class).block(), BlockKind.ANSWER, Answer.class);
                    assertEquals(answer.to(), answer.recipient().value());
                }
                case RegisterShare.TYPE -> {
                    RegisterShare r = m.as(RegisterShare.class);
                    if (r.allow() != null) {
                        r.allow().forEach(PeerDirectoryFuzzTest::parseOrRefuse);
                    }
                }
                case Unanswered.TYPE -> m.as(Unanswered.class);
                default -> { }
            }
        } catch (ProtocolException | SignalException e) {
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    /** As the directory reads an allow list: an id, or refused (it answers bad_request). */
    private static void parseOrRefuse(String id) {
        try {
            PeerId.parse(id);
        } catch (IllegalArgumentException | NullPointerException refused) {
            // refused cleanly
        }
    }
}
