package dev.berth.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Latency samples of named operations ({@code workload/Operation}), kept in the order first seen. Not thread-safe. */
final class Samples {

    private final Map<String, List<Long>> nanos = new LinkedHashMap<>();

    void add(String operation, long elapsedNanos) {
        nanos.computeIfAbsent(operation, name -> new ArrayList<>()).add(elapsedNanos);
    }

    List<String> operations() {
        return List.copyOf(nanos.keySet());
    }

    int count(String operation) {
        return nanos.getOrDefault(operation, List.of()).size();
    }

    /** The {@code percentile}th percentile of {@code operation} in milliseconds (nearest rank); NaN without samples. */
    double millis(String operation, int percentile) {
        List<Long> samples = nanos.getOrDefault(operation, List.of());
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1) / 1e6;
    }
}
