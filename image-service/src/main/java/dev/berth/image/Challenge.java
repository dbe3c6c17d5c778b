package dev.berth.image;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code WWW-Authenticate} header: a scheme ({@code bearer} or {@code basic}, lower case)
 * and its parameters, e.g. {@code realm}, {@code service}, {@code scope}.
 */
record Challenge(String scheme, Map<String, String> params) {
    static Challenge parse(String header) {
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            params.put(key, value.toString().strip());
        }
        return new Challenge(scheme, Map.copyOf(params));
    }
}
