package io.loomtunnel.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.signal.ConnectSignaling.AnswerCheck;
import io.loomtunnel.internal.signal.ManualConnectSignaling.Judgement;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.tls.Identity;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How a watched answer file's content is judged (issue 12: a garbage answer file was waited on silently). */
class ManualConnectSignalingTest {
    private static final Identity A = Identity.generate();
    private static final Identity B = Identity.generate();
    private static final String BLOCK = Armor.encode(Blocks.sealedOffer(A, B));
    private static final AnswerCheck ANY = block -> { };
    private static final AnswerCheck NONE = block -> {
        throw new SignalException(Problem.MISADDRESSED, "not this offer's");
    };

    @Test
    void aUsableBlockIsTakenEvenAfterAnUnusableOne() {
        SignedBlock first = Blocks.sealedOffer(B, A);
        String two = Armor.encode(first) + "\n" + BLOCK;
        AnswerCheck onlySecond = block -> {
            if (Arrays.equals(block.payload(), first.payload())) {
                throw new SignalException(Problem.REPLAYED, "an old answer");
            }
        };
        Judgement j = ManualConnectSignaling.judge("text around it\n" + two, onlySecond);
        assertTrue(j.answer() != null && !Arrays.equals(j.answer().payload(), first.payload()));
        assertNull(j.problem());
    }

    @Test
    void eachUnusableContentHasOneLineAndOnlyWholeBlocksAreFinal() {
        Judgement unusable = ManualConnectSignaling.judge(BLOCK, NONE);
        assertNull(unusable.answer());
        assertEquals("not this offer's", unusable.problem());
        assertTrue(unusable.settled(), "a whole block is judged at once");

        Judgement damaged = ManualConnectSignaling.judge(Blocks.flipBodyCharacter(BLOCK), ANY);
        assertTrue(damaged.problem().contains("checksum mismatch"), damaged.problem());
        assertTrue(damaged.settled());

        Judgement cut = ManualConnectSignaling.judge(BLOCK.substring(0, BLOCK.indexOf("-----END")), ANY);
        assertEquals("the answer block there has no END line (cut off, or still being written)", cut.problem());
        assertFalse(cut.settled(), "it may still be being written");

        Judgement text = ManualConnectSignaling.judge("hello\nthis is not an answer\n", ANY);
        assertEquals("no answer block there (no '-----BEGIN LOOMTUNNEL ANSWER-----' line)", text.problem());
        assertFalse(text.settled());

        Judgement blank = ManualConnectSignaling.judge(" \n\n", ANY);
        assertNull(blank.answer());
        assertNull(blank.problem(), "an empty file is the answer not written yet");
        for (Judgement j : new Judgement[] {unusable, damaged, cut, text}) {
            assertEquals(1, j.problem().lines().count(), j.problem());
        }
    }
}
