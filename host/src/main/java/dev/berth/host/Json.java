package dev.berth.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson mapper of the daemon. Thread-safe: it is configured here and never again. */
public final class Json {

    /**
     * Reads and writes Berth's state, OCI specs and the JSON of runc, conmon, CNI plugins and registries. Unknown
     * properties are skipped, so state written by a newer Berth and documents with fields Berth does not use load.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {
    }
}
