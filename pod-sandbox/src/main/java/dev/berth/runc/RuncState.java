package dev.berth.runc;

/** What {@code runc state} reports: status is "creating", "created", "running", "paused" or "stopped". Immutable. */
public record RuncState(String id, String status, long pid) {
}
