package dev.berth.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The benchmark's output: a table with p50/p90/p99 per target and, for two or more targets, the ratio of the first
 * to the second (below 1: the first is faster or smaller); or the same as JSON.
 */
final class Report {

    private static final int[] PERCENTILES = {50, 90, 99};

    private Report() {
    }

    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        boolean ratio = results.size() >= 2;
        out.append(String.format(Locale.ROOT, "%-34s", "latency, ms"));
        for (Result result : results) {
            out.append(String.format(Locale.ROOT, " | %-24s", result.name() + " p50/p90/p99"));
        }
        if (ratio) {
            out.append(String.format(Locale.ROOT, " | %s", results.get(0).name() + "/" + results.get(1).name()
                    + " p50/p90/p99"));
        }
        out.append('\n');
        for (String operation : operations(results)) {
            out.append(String.format(Locale.ROOT, "%-34s", operation));
            for (Result result : results) {
                out.append(" |");
                for (int percentile : PERCENTILES) {
                    out.append(String.format(Locale.ROOT, " %7.1f", result.samples().millis(operation, percentile)));
                }
            }
            if (ratio) {
                out.append(" |");
                for (int percentile : PERCENTILES) {
                    out.append(String.format(Locale.ROOT, " %5.2f", results.get(0).samples().millis(operation,
                            percentile) / results.get(1).samples().millis(operation, percentile)));
                }
            }
            out.append('\n');
        }
        if (results.stream().anyMatch(result -> result.memory() != null)) {
            out.append(String.format(Locale.ROOT, "%nmemory with %s pods, MiB", pods(results)));
            out.append('\n');
            memoryRow(out, results, "daemon RSS", use -> use.daemon().rssKiB());
            memoryRow(out, results, "daemon PSS", use -> use.daemon().pssKiB());
            memoryRow(out, results, "monitors (count)", use -> use.monitors() * 1024L);
            memoryRow(out, results, "monitors RSS", use -> use.monitorsTotal().rssKiB());
            memoryRow(out, results, "monitors PSS", use -> use.monitorsTotal().pssKiB());
            memoryRow(out, results, "daemon + monitors PSS", use -> use.total().pssKiB());
        }
        for (Result result : results) {
            out.append(String.format(Locale.ROOT, "%n%s: %s", result.name(), result.runtime()));
        }
        return out.append('\n').toString();
    }

    private static void memoryRow(StringBuilder out, List<Result> results, String label,
            ToLongFunction<MemoryUse> kib) {
        out.append(String.format(Locale.ROOT, "%-34s", label));
        List<Double> values = new ArrayList<>();
        for (Result result : results) {
            double value = result.memory() == null ? Double.NaN : kib.applyAsLong(result.memory()) / 1024.0;
            values.add(value);
            out.append(String.format(Locale.ROOT, " | %24.1f", value));
        }
        if (values.size() >= 2) {
            out.append(String.format(Locale.ROOT, " | %5.2f", values.get(0) / values.get(1)));
        }
        out.append('\n');
    }

    private static String pods(List<Result> results) {
        return results.stream().filter(result -> result.memory() != null).map(result -> result.memory().pods())
                .distinct().map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse("?");
    }

    static String json(List<Result> results) {
        StringBuilder out = new StringBuilder("{\"targets\": [");
        for (int i = 0; i < results.size(); i++) {
            Result result = results.get(i);
            out.append(i == 0 ? "\n  " : ",\n  ")
                    .append("{\"name\": ").append(quote(result.name()))
                    .append(", \"runtime\": ").append(quote(result.runtime()))
                    .append(", \"latency_ms\": {");
            List<String> operations = result.samples().operations();
            for (int j = 0; j < operations.size(); j++) {
                String operation = operations.get(j);
                out.append(j == 0 ? "\n    " : ",\n    ").append(quote(operation)).append(": {\"n\": ")
                        .append(result.samples().count(operation));
                for (int percentile : PERCENTILES) {
                    out.append(", \"p").append(percentile).append("\": ")
                            .append(number(result.samples().millis(operation, percentile)));
                }
                out.append('}');
            }
            out.append("}");
            MemoryUse memory = result.memory();
            if (memory != null) {
                out.append(String.format(Locale.ROOT, ",%n    \"memory_kib\": {\"pods\": %d, \"daemon_rss\": %d, "
                                + "\"daemon_pss\": %d, \"monitors\": %d, \"monitors_rss\": %d, \"monitors_pss\": %d}",
                        memory.pods(), memory.daemon().rssKiB(), memory.daemon().pssKiB(), memory.monitors(),
                        memory.monitorsTotal().rssKiB(), memory.monitorsTotal().pssKiB()));
            }
            out.append('}');
        }
        out.append("\n]");
        if (results.size() >= 2) {
            out.append(",\n\"ratios\": {\"of\": ").append(quote(results.get(0).name() + "/" + results.get(1).name()));
            for (String operation : operations(results)) {
                out.append(",\n  ").append(quote(operation)).append(": {");
                for (int k = 0; k < PERCENTILES.length; k++) {
                    double ratio = results.get(0).samples().millis(operation, PERCENTILES[k])
                            / results.get(1).samples().millis(operation, PERCENTILES[k]);
                    out.append(k == 0 ? "" : ", ").append("\"p").append(PERCENTILES[k]).append("\": ")
                            .append(number(ratio));
                }
                out.append('}');
            }
            out.append('}');
        }
        return out.append("}\n").toString();
    }

    private static List<String> operations(List<Result> results) {
        Set<String> operations = new LinkedHashSet<>();
        results.forEach(result -> operations.addAll(result.samples().operations()));
        return List.copyOf(operations);
    }

    /** A JSON number, or null for NaN and infinities (which JSON lacks). */
    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null";
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
