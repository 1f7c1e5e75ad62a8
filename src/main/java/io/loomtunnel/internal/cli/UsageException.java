package io.loomtunnel.internal.cli;

/** Bad input from the user: printed as one line, exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
