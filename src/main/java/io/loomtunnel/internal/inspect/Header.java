package io.loomtunnel.internal.inspect;

/** One header field as it came, name and value (the value without surrounding blanks). */
record Header(String name, String value) {}
