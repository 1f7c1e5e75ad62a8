package io.loomtunnel.internal.signal;

import java.util.Locale;

/** The two signaling blocks: the connecting peer's offer and the sharing peer's answer. */
public enum BlockKind {
    OFFER, ANSWER;

    /** The word in the block's BEGIN and END lines, e.g. {@code OFFER}. */
    public String label() {
        return name();
    }

    /** The JSON {@code "type"} of the signed body, e.g. {@code offer}. */
    public String type() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "an offer" / "an answer", for messages. */
    public String withArticle() {
        return "an " + type();
    }
}
