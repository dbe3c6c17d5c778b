package dev.berth.cgroups;

/**
 * One sample of a cgroup's resource usage, as the CRI stats calls report it. Immutable.
 *
 * <p>A figure the host does not provide (its controller is not mounted, or its file could not be read) is
 * {@link #UNAVAILABLE}. {@code memoryLimitBytes} is 0 when memory is not limited.
 *
 * @param timestampNanos        when the sample was taken, Unix nanoseconds
 * @param cpuUsageCoreNanos     cumulative CPU time in core-nanoseconds
 * @param memoryUsageBytes      memory in use, page cache included
 * @param memoryWorkingSetBytes usage minus inactive file pages, never below 0
 * @param memoryRssBytes        anonymous memory
 * @param pageFaults            cumulative page faults
 * @param majorPageFaults       cumulative major page faults
 * @param memoryLimitBytes      the memory limit, 0 for none
 * @param swapUsageBytes        swap in use
 * @param pids                  tasks in the cgroup and its descendants
 */
public record ResourceUsage(long timestampNanos, long cpuUsageCoreNanos, long memoryUsageBytes,
                            long memoryWorkingSetBytes, long memoryRssBytes, long pageFaults, long majorPageFaults,
                            long memoryLimitBytes, long swapUsageBytes, long pids) {

    /** The value of a figure the host does not provide. */
    public static final long UNAVAILABLE = -1;

    public boolean hasCpu() {
        return cpuUsageCoreNanos != UNAVAILABLE;
    }

    public boolean hasMemory() {
        return memoryUsageBytes != UNAVAILABLE;
    }

    public boolean hasSwap() {
        return swapUsageBytes != UNAVAILABLE;
    }

    public boolean hasPids() {
        return pids != UNAVAILABLE;
    }
}
