package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Parses duration flags as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
        Duration d = Durations.parse(text.trim());
        if (d == null) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration like 500ms, 30s, 5m or 2h");
        }
        return d;
    }
}
