package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Response;
import java.util.function.Supplier;

/** What the built-in providers share: a core's PolicyException as a config error naming the key, and their refusals. */
final class Settings {
    private Settings() {}

    /** Runs a core's parser, its one-line error becoming {@code WHERE.KEY: message}. */
    static <T> T parse(PolicySettings settings, String key, Supplier<T> parser) throws PolicyConfigException {
        try {
            return parser.get();
        } catch (PolicyException e) {
            throw settings.error(key, "is unusable: " + e.getMessage());
        }
    }

    /** Makes a prefix rule from the prefix and {@code to}. */
    interface PrefixRule {
        PathRewrite make(String prefix, String to);
    }

    /** A path rule from {@code prefix} or {@code regex} (exactly one of them) and {@code to}. */
    static PathRewrite pathRule(PolicySettings settings, PrefixRule prefixRule) throws PolicyConfigException {
        boolean prefix = settings.has("prefix");
        if (prefix == settings.has("regex")) {
            throw settings.error(prefix ? "regex" : "prefix", prefix ? "cannot be given with prefix" : "or regex is required");
        }
        String to = settings.string("to");
        if (prefix) {
            String from = settings.string("prefix");
            return parse(settings, "prefix", () -> prefixRule.make(from, to));
        }
        String regex = settings.string("regex");
        return parse(settings, "regex", () -> PathRewrite.regex(regex, to));
    }

    /** A refusal with a Retry-After, as 429 and 503 carry it. */
    static Response retryAfter(int status, long seconds, String text) {
        Response plain = Response.text(status, text + "\n");
        return new Response(status, plain.headers().add("Retry-After", Long.toString(seconds)), plain.body());
    }
}
