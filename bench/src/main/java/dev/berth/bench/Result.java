package dev.berth.bench;

/** What the benchmark measured on one target; {@code memory} is null when no list workload ran. */
record Result(String name, String runtime, Samples samples, MemoryUse memory) {
}
