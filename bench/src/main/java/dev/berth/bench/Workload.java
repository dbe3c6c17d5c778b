package dev.berth.bench;

import java.io.IOException;

/** One benchmark workload, run the same way against any CRI endpoint. */
interface Workload {

    /** The workload's name, the prefix of its operations' names in the report. */
    String name();

    /**
     * Runs the workload {@code runs} times against {@code target}, adding each timed operation to {@code samples};
     * what it makes on the target it removes before returning, unless a call fails (then {@link
     * Target#removeEverything()} does).
     */
    void run(Target target, int runs, Samples samples, Measurements measurements) throws IOException;

    /** What a workload may measure besides latency. */
    interface Measurements {
        void memory(MemoryUse use);
    }
}
