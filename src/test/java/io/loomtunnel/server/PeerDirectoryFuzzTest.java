package io.loomtunnel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.protocol.AnswerMessage;
import io.loomtunnel.internal.protocol.DirectoryMessage;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.RendezvousError;
import io.loomtunnel.internal.protocol.ShareRegistered;
import io.loomtunnel.internal.protocol.TicketIssued;
import io.loomtunnel.internal.protocol.TicketRequest;
import io.loomtunnel.internal.protocol.OfferMessage;
import io.loomtunnel.internal.protocol.RegisterShare;
import io.loomtunnel.internal.protocol.Unanswered;
import io.loomtunnel.internal.signal.Answer;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.Offer;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.internal.wire.ProtocolException;

/**
 * What the server's peer directory reads from peers (docs/protocol/P2P.md 9.5), on arbitrary bytes: a
 * control message, decoded to the record its type names, and the signed block inside an offer or
 * answer, decoded and verified. Each ends in a value or a ProtocolException / SignalException
 * with a one-line message, never another exception. Seeds:
 * src/test/resources/io/loomtunnel/server/PeerDirectoryFuzzTestInputs/.
 */
class PeerDirectoryFuzzTest {

    @FuzzTest
    void messages(byte[] data) {
        try {
            if (!(ControlCodec.decode(data) instanceof DirectoryMessage m)) {
                return; // not the directory's: the server answers it as unknown
            }
            switch (m) {
                case OfferMessage o -> {
                    Offer offer = PeerDirectory.open(o.block(), BlockKind.OFFER, Offer.class);
                    assertEquals(offer.from(), offer.sender().value(), "a verified offer names a valid sender");
                }
                case AnswerMessage a -> {
                    Answer answer = PeerDirectory.open(a.block(), BlockKind.ANSWER, Answer.class);
                    assertEquals(answer.to(), answer.recipient().value());
                }
                case RegisterShare r -> {
                    if (r.allow() != null) {
                        r.allow().forEach(PeerDirectoryFuzzTest::parseOrRefuse);
                    }
                }
                case Unanswered u -> assertEquals(MessageType.P2P_UNANSWERED.tag(), u.type());
                case ShareRegistered r -> assertEquals(MessageType.P2P_REGISTERED.tag(), r.type());
                case TicketRequest t -> {
                    Offer offer = PeerDirectory.open(t.block(), BlockKind.OFFER, Offer.class);
                    assertEquals(offer.from(), offer.sender().value(), "a verified offer names a valid sender");
                }
                case TicketIssued t -> assertEquals(MessageType.P2P_TICKETED.tag(), t.type());
                case RendezvousError e -> assertEquals(MessageType.P2P_ERROR.tag(), e.type());
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
