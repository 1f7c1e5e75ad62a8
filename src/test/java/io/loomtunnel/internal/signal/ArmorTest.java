package io.loomtunnel.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.tls.Identity;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Armored blocks: what copy-paste does to them is tolerated, what damage or tampering does is refused with the right problem. */
class ArmorTest {
    private static final Identity ALICE = Identity.generate();
    private static final Identity BOB = Identity.generate();

    private final SignedBlock block = Blocks.sealedOffer(ALICE, BOB);
    private final String text = Armor.encode(block);

    @Test
    void aBlockReadsBackAsItWasWritten() throws Exception {
        assertEquals(block, Armor.decode(text));
        Offer offer = SignedBlocks.open(Armor.decode(text), BlockKind.OFFER, Offer.class);
        assertEquals(ALICE.id(), offer.sender());
        assertEquals(BOB.id(), offer.recipient());
        assertTrue(text.lines().allMatch(l -> l.length() <= 64), text);
    }

    @Test
    void survivesWhatMailAndChatDoToText() throws Exception {
        String body = String.join("", text.lines().filter(l -> !l.contains(":") && !l.contains("---")).toList());
        String rewrapped = "-----BEGIN LOOMTUNNEL OFFER-----\n" + header(text) + "\n"
                + body.replaceAll("(.{40})", "$1\n") + "\n-----END LOOMTUNNEL OFFER-----";
        List<String> variants = List.of(
                "Hi, here is my offer:\r\n\r\n" + text.replace("\n", "\r\n") + "\r\nthanks!\r\n",
                text.lines().map(l -> "> " + l).reduce("", (a, l) -> a + l + "\n"),
                text.lines().map(l -> "> > \t  " + l + "   ").reduce("", (a, l) -> a + l + "\n"),
                text.replace("\n", "\n\n"),
                rewrapped,
                body.length() > 10 ? text.replace(body.substring(0, 8), body.substring(0, 4) + " " + body.substring(4, 8)) : text,
                text.replace("-----", "——").replace("BEGIN LOOMTUNNEL OFFER", "begin loomtunnel offer"));
        for (String v : variants) {
            assertEquals(block, Armor.decode(v), () -> "did not survive:\n" + v);
        }
    }

    @Test
    void aCutOffBlockIsTruncated() {
        String noEnd = text.substring(0, text.indexOf("-----END"));
        assertEquals(Problem.TRUNCATED, problem(noEnd));
        assertEquals(Problem.TRUNCATED, problem(text.substring(text.indexOf("Version"))));
        assertEquals(Problem.TRUNCATED, problem("-----BEGIN LOOMTUNNEL OFFER-----\n" + noEnd.substring(noEnd.indexOf("Version"))
                + text));
        assertEquals(Problem.TRUNCATED, problem(""));
    }

    @Test
    void aLostLineOrAChangedCharacterFailsTheChecksum() {
        List<String> lines = text.lines().toList();
        String lostLine = String.join("\n", lines.subList(0, 4)) + "\n" + String.join("\n", lines.subList(5, lines.size()));
        SignalException e = assertThrows(SignalException.class, () -> Armor.decode(lostLine));
        assertEquals(Problem.DAMAGED, e.problem());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        String flipped = Blocks.flipBodyCharacter(text);
        assertEquals(Problem.DAMAGED, problem(flipped));
    }

    @Test
    void anEditWithARecomputedChecksumFailsTheSignature() throws Exception {
        byte[] forged = Blocks.edited(block.payload(), "\"echo\"", "\"ssh\"");
        SignedBlock reArmored = Armor.decode(Armor.encode(new SignedBlock(BlockKind.OFFER, forged)));
        SignalException e = assertThrows(SignalException.class, () -> SignedBlocks.open(reArmored, BlockKind.OFFER, Offer.class));
        assertEquals(Problem.FORGED, e.problem());
    }

    @Test
    void aBlockSignedByAnotherKeyThanItsSenderIsForged() {
        Offer claimsBob = new Offer(BOB.id().value(), SignedBlocks.keyOf(ALICE), ALICE.id().value(), SignedBody.newSessionId(),
                "echo", List.of(), 1_700_000_000L, 1_700_000_600L);
        assertThrows(IllegalArgumentException.class, () -> SignedBlocks.seal(ALICE, claimsBob));
        // Hand-made: Alice's key and signature, Bob's id.
        byte[] relabelled = Blocks.edited(block.payload(), "\"from\":\"" + ALICE.id().value(), "\"from\":\"" + BOB.id().value());
        SignalException e = assertThrows(SignalException.class,
                () -> SignedBlocks.open(new SignedBlock(BlockKind.OFFER, relabelled), BlockKind.OFFER, Offer.class));
        assertEquals(Problem.FORGED, e.problem());
    }

    @Test
    void versionAndKindAreChecked() throws Exception {
        assertEquals(Problem.UNSUPPORTED_VERSION, problem(text.replace("Version: 1", "Version: 2")));
        assertEquals(Problem.DAMAGED, problem(text.replace("Version: 1\n", "")));
        SignalException wrongKind = assertThrows(SignalException.class,
                () -> SignedBlocks.open(Armor.decode(text), BlockKind.ANSWER, Answer.class));
        assertEquals(Problem.WRONG_KIND, wrongKind.problem());
        String relabelled = text.replace("OFFER-----", "ANSWER-----");
        SignalException inside = assertThrows(SignalException.class,
                () -> SignedBlocks.open(Armor.decode(relabelled), BlockKind.ANSWER, Answer.class));
        assertEquals(Problem.DAMAGED, inside.problem());
    }

    @Test
    void aReaderTakesBlocksOneAfterAnotherAndGoesOnAfterABadOne() throws Exception {
        SignedBlock second = Blocks.sealedOffer(ALICE, BOB);
        String input = "noise\n" + text + Blocks.flipBodyCharacter(text) + "more noise\n" + Armor.encode(second)
                + text.substring(0, text.indexOf("-----END"));
        BlockReader reader = new BlockReader(new BufferedReader(new StringReader(input)));
        assertEquals(block, reader.next());
        assertEquals(Problem.DAMAGED, assertThrows(SignalException.class, reader::next).problem());
        assertEquals(second, reader.next());
        assertEquals(Problem.TRUNCATED, assertThrows(SignalException.class, reader::next).problem());
        assertEquals(null, reader.next());
    }

    @Test
    void hugeInputIsRefusedNotBuffered() {
        String huge = "-----BEGIN LOOMTUNNEL OFFER-----\nVersion: 1\nChecksum: 00000000\n" + "A".repeat(1 << 20) + "\n";
        assertEquals(Problem.DAMAGED, assertThrows(SignalException.class,
                () -> new BlockReader(new StringReader(huge)).next()).problem());
        String manyLines = "-----BEGIN LOOMTUNNEL OFFER-----\n" + "AAAA\n".repeat(100_000);
        assertEquals(Problem.DAMAGED, assertThrows(SignalException.class,
                () -> new BlockReader(new StringReader(manyLines)).next()).problem());
    }

    @Test
    void checksumIsCrc32cOfThePayload() throws Exception {
        Matcher m = Pattern.compile("Checksum: ([0-9a-f]{8})").matcher(text);
        assertTrue(m.find());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(block.payload());
        assertEquals(String.format("%08x", crc.getValue()), m.group(1));
        String body = String.join("", text.lines().filter(l -> !l.contains(":") && !l.contains("---")).toList());
        assertEquals(block, new SignedBlock(BlockKind.OFFER, Base64.getUrlDecoder().decode(body)));
    }

    private static String header(String armored) {
        return armored.lines().filter(l -> l.contains(":")).reduce((a, b) -> a + "\n" + b).orElseThrow();
    }

    private static Problem problem(String armored) {
        return assertThrows(SignalException.class, () -> Armor.decode(armored), armored).problem();
    }
}
