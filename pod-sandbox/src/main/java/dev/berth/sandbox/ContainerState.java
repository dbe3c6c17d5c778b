package dev.berth.sandbox;

/** A container's lifecycle state, derived from its created/started/finished timestamps. */
public enum ContainerState { CREATED, RUNNING, EXITED, UNKNOWN }
