package io.loomtunnel.internal.usage;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;

/**
 * Usage help laid out for the terminal it is read in. It is as wide as {@code COLUMNS} says,
 * else as wide as picocli finds the terminal (80 columns when it finds none). The description
 * and footer keep every word whole, where picocli breaks lines after '.', '/' or ':' (a
 * {@code tokens.} / {@code txt} that could not be copied): a line that starts with a space,
 * such as an example command, is printed as written; other lines are paragraphs, wrapped at
 * spaces to the width. Option descriptions are still picocli's (its width, its wrapping).
 */
public final class HelpLayout {
    /** Picocli refuses narrower usage help. */
    static final int MIN_WIDTH = 55;

    private HelpLayout() {}

    /**
     * Lays out the help of {@code cli} and of every subcommand under it.
     *
     * @param columns the {@code COLUMNS} environment variable, or null
     */
    public static void install(CommandLine cli, String columns) {
        Integer width = width(columns);
        if (width == null) {
            cli.setUsageHelpAutoWidth(true);
        } else {
            cli.setUsageHelpWidth(width);
        }
        apply(cli);
    }

    /** The width COLUMNS asks for (at least {@link #MIN_WIDTH}), or null when it is unset or not a number. */
    static Integer width(String columns) {
        if (columns == null) {
            return null;
        }
        try {
            int c = Integer.parseInt(columns.trim());
            return c > 0 ? Math.max(MIN_WIDTH, c) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void apply(CommandLine command) {
        Map<String, IHelpSectionRenderer> sections = command.getHelpSectionMap();
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> lines(help, help.commandSpec().usageMessage().description()));
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> lines(help, help.commandSpec().usageMessage().footer()));
        command.setHelpSectionMap(sections);
        for (CommandLine sub : command.getSubcommands().values()) {
            apply(sub);
        }
    }

    /** The section's text: indented lines as written, the others wrapped at spaces. */
    static String lines(Help help, String[] text) {
        int width = help.commandSpec().usageMessage().width();
        StringBuilder out = new StringBuilder();
        for (String element : text) {
            for (String line : format(element).split("\\R", -1)) {
                if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
                    out.append(help.colorScheme().text(line)).append(System.lineSeparator());
                } else {
                    wrap(line, width).forEach(l -> out.append(help.colorScheme().text(l)).append(System.lineSeparator()));
                }
            }
        }
        return out.toString();
    }

    /** Words up to {@code width} a line; a word longer than that gets a line of its own, whole. */
    static List<String> wrap(String paragraph, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : paragraph.trim().split(" +")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** As picocli treats these texts: a format string ({@code %n} is a line break); used as written when it is not one. */
    private static String format(String text) {
        try {
            return String.format(text);
        } catch (IllegalFormatException e) {
            return text;
        }
    }
}
