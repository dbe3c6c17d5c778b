package dev.berth.oci;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.KeyValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The process environment: defaults, then the image's, then the CRI's, later ones replacing by key. */
final class Env {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Env() {
    }

    static List<String> build(ContainerConfig c, ImageSpec image, String podHostname) {
        // key -> full "KEY=value" entry; LinkedHashMap keeps the first position of a key when it is replaced
        Map<String, String> env = new LinkedHashMap<>();
        put(env, DEFAULT_PATH);
        if (podHostname != null && !podHostname.isEmpty()) {
            put(env, "HOSTNAME=" + podHostname);
        }
        image.env().forEach(e -> put(env, e));
        for (KeyValue kv : c.getEnvsList()) {
            put(env, kv.getKey() + "=" + kv.getValue().toStringUtf8());
        }
        return List.copyOf(new ArrayList<>(env.values()));
    }

    private static void put(Map<String, String> env, String entry) {
        int eq = entry.indexOf('=');
        String key = eq < 0 ? entry : entry.substring(0, eq);
        if (!key.isEmpty()) {
            env.put(key, entry);
        }
    }
}
