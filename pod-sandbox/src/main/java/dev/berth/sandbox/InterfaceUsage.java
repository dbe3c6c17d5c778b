package dev.berth.sandbox;

/** Cumulative counters of one network interface of a pod's network namespace. Immutable; name never null. */
public record InterfaceUsage(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {
}
