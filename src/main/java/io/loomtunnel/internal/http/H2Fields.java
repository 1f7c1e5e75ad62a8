package io.loomtunnel.internal.http;

import io.loomtunnel.internal.h2.HeaderField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An HTTP/1.1 response head (or trailer section) as HTTP/2 fields: {@code :status} first, names lowercased, connection-specific fields dropped. */
final class H2Fields {
    private H2Fields() {
    }

    static List<HeaderField> response(ResponseHead response, BodyFraming framing) {
        List<HeaderField> out = new ArrayList<>(response.fields().list().size() + 1);
        out.add(new HeaderField(":status", Integer.toString(response.status())));
        boolean lengthKnown = framing.kind() == BodyFraming.Kind.LENGTH || framing.empty();
        for (Field f : response.fields().list()) {
            String name = f.name().toLowerCase(Locale.ROOT);
            if (HeaderField.CONNECTION_SPECIFIC.contains(name) || name.equals("content-length") && !lengthKnown) {
                continue;
            }
            out.add(new HeaderField(name, f.value()));
        }
        return out;
    }

    /** A trailer section as a last HEADERS frame's fields (the handler has already left out what a trailer may not carry). */
    static List<HeaderField> trailers(Fields trailers) {
        List<HeaderField> out = new ArrayList<>(trailers.list().size());
        for (Field f : BodyRelay.allowedTrailers(trailers).list()) {
            out.add(new HeaderField(f.name().toLowerCase(Locale.ROOT), f.value()));
        }
        return out;
    }
}
