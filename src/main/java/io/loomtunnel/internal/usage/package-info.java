/**
 * Usage for people, shared by the {@code loomtunnel} command ({@code internal.cli}) and the
 * console ({@code internal.console}): picocli parse errors as one line with "did you mean", and
 * usage help that fits the terminal and keeps example commands whole. No threads, no state.
 */
package io.loomtunnel.internal.usage;
