package io.loomtunnel.plugin;

import java.io.Serial;

/**
 * A policy's settings are wrong: the message names where (file and key) and what is wrong, as
 * {@code client.toml: tunnels[0].policies[1].limit must be a positive integer, got "ten"}.
 */
public final class PolicyConfigException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An error with its whole message.
     *
     * @param message one line naming the file and key
     */
    public PolicyConfigException(String message) {
        super(message);
    }
}
