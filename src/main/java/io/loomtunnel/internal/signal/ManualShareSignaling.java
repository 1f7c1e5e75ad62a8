package io.loomtunnel.internal.signal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.util.List;

/**
 * Copy-paste signaling, sharing side: offers are read one after another from each source in turn
 * (standard input, files), and each answer is printed as an armored block for the user to pass
 * back. Bad blocks are reported and reading goes on with the next one.
 *
 * <p>Threads and locking: {@link #serve} runs on the caller's thread and takes no lock of ours;
 * each answer is printed with one call, which the PrintStream makes atomic (no monitor of ours
 * is held across that possibly blocking write).
 */
public final class ManualShareSignaling implements ShareSignaling {
    /** Where offers come from. */
    public interface Source {
        /** Named in messages about its blocks ("offers.txt: ..."), or empty for standard input. */
        String name();

        Reader open() throws IOException;
    }

    private final List<Source> sources;
    private final PrintStream answers;

    /** @param answers where answer blocks are printed (each in one write, so concurrent output cannot split one) */
    public ManualShareSignaling(List<Source> sources, PrintStream answers) {
        this.sources = List.copyOf(sources);
        this.answers = answers;
    }

    /** A source with a name and a way to open it. */
    public static Source source(String name, IoSupplier<Reader> open) {
        return new Source() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Reader open() throws IOException {
                return open.get();
            }
        };
    }

    /** A supplier that may fail with an IOException. */
    @FunctionalInterface
    public interface IoSupplier<T> {
        T get() throws IOException;
    }

    @Override
    public void serve(OfferHandler handler) throws IOException {
        for (Source source : sources) {
            try (Reader in = source.open()) {
                BlockReader reader = new BlockReader(in);
                while (true) {
                    try {
                        SignedBlock offer = reader.next();
                        if (offer == null) {
                            break;
                        }
                        String text = Armor.encode(handler.answer(offer));
                        answers.print(text); // one print: the stream's own lock keeps the block whole
                        answers.flush();
                    } catch (SignalException e) {
                        handler.refused(source.name().isEmpty() ? e
                                : new SignalException(e.problem(), source.name() + ": " + e.getMessage()));
                    }
                }
            }
        }
    }
}
