package dev.berth.server.views;

import java.util.Map;

/** The CRI's label selectors, which match by equality only. Stateless. */
public final class Labels {

    private Labels() {
    }

    /** True when every selector entry is present with the same value. */
    public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> entry : selector.entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
