package dev.berth.bench;

/** A runtime's memory with {@code pods} pods of one running container each: its daemon and its monitors. */
record MemoryUse(int pods, Memory daemon, int monitors, Memory monitorsTotal) {

    Memory total() {
        return daemon.plus(monitorsTotal);
    }
}
