package io.loomtunnel.natlab;

/** The lab could not be built or torn down: says which command failed and what it printed. */
public final class LabException extends RuntimeException {
    LabException(String message) {
        super(message);
    }
}
