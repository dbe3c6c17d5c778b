package dev.berth.host;

import java.time.Instant;

/** The wall clock, in the CRI's unit: nanoseconds since the epoch. A seam so tests can fix time. */
@FunctionalInterface
public interface Clock {

    /** The system's wall clock. */
    Clock SYSTEM = () -> {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };

    long nowNanos();
}
