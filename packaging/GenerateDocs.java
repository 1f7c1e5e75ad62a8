import io.loomtunnel.internal.cli.Main;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes loomtunnel's bash completion and one AsciiDoc man page per command, from the real command
 * tree of the fat jar (so new subcommands are covered without a change here). Run by
 * scripts/package with the JDK's source launcher:
 * {@code java -cp target/loomtunnel.jar:picocli-codegen.jar packaging/GenerateDocs.java OUTDIR}.
 * Writes OUTDIR/loomtunnel.bash and OUTDIR/adoc/*.adoc (asciidoctor turns those into troff).
 */
public final class GenerateDocs {
    /** Wide enough that picocli never wraps a synopsis: troff wraps it at the reader's width instead. */
    private static final int NO_WRAP = 10_000;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GenerateDocs OUTDIR");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out.resolve("adoc"));
        CommandLine cli = Main.commandLine();
        Files.writeString(out.resolve("loomtunnel.bash"), AutoComplete.bash("loomtunnel", cli));
        List<CommandSpec> specs = tree(cli.getCommandSpec());
        specs.forEach(GenerateDocs::prepareForManPage);
        int exit = ManPageGenerator.generateManPage(out.resolve("adoc").toFile(), (File) null, new boolean[0], false,
                cli.getCommandSpec());
        if (exit != 0) {
            System.err.println("GenerateDocs: picocli's man page generator exited " + exit);
            System.exit(1);
        }
    }

    /** The command and every command below it. */
    private static List<CommandSpec> tree(CommandSpec root) {
        List<CommandSpec> all = new ArrayList<>();
        Deque<CommandSpec> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            CommandSpec spec = todo.pop();
            all.add(spec);
            spec.subcommands().values().forEach(sub -> todo.push(sub.getCommandSpec()));
        }
        return all;
    }

    /**
     * picocli's man pages leave out a footer without a heading, and our commands' footers (examples,
     * exit codes) have none: a footer whose first line ends in ':' ("Examples:") becomes a section of
     * that name, any other (the exit codes) a section "Notes".
     */
    private static void prepareForManPage(CommandSpec spec) {
        spec.usageMessage().autoWidth(false).width(NO_WRAP);
        List<String> footer = new ArrayList<>(Arrays.asList(spec.usageMessage().footer()));
        while (!footer.isEmpty() && footer.get(0).isBlank()) {
            footer.remove(0);
        }
        if (footer.isEmpty() || !spec.usageMessage().footerHeading().isEmpty()) {
            return;
        }
        String heading = "Notes";
        if (footer.get(0).strip().endsWith(":")) {
            String first = footer.remove(0).strip();
            heading = first.substring(0, first.length() - 1);
        }
        spec.usageMessage().footerHeading(heading).footer(footer.toArray(String[]::new));
    }
}
