package dev.berth.sandbox;

/** Whether a pod sandbox can run containers ({@link #READY}) or has been stopped or lost its namespaces. */
public enum SandboxState { READY, NOTREADY }
