package io.loomtunnel.internal.config;

import java.util.Map;

/**
 * A secret given whole in an environment variable ({@code LOOMTUNNEL_TOKEN},
 * {@code LOOMTUNNEL_ADMIN_TOKEN}) instead of a file key: it overrides the file key of the
 * config file, and setting it together with that key's own variable is an error.
 *
 * @param name the variable
 * @param fileKey the config key of the secret's file, e.g. {@code token_file}
 */
record SecretVariable(String name, String fileKey) {
    /** The secret, or null when the variable is unset or blank. */
    String read(Map<String, String> env) {
        String secret = env.getOrDefault(name, "").strip();
        if (secret.isEmpty()) {
            return null;
        }
        String fileVariable = Keys.envName(fileKey);
        if (!env.getOrDefault(fileVariable, "").isBlank()) {
            throw new ConfigException(name + ": set together with " + fileVariable + "; keep one");
        }
        if (secret.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(name + ": a token cannot contain whitespace");
        }
        return secret;
    }
}
