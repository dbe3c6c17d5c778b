package dev.berth.server;

import dev.berth.image.Images;
import dev.berth.network.PodNetworks;
import dev.berth.sandbox.SandboxRuntime;
import dev.berth.server.config.BerthConfig;

/** What the CRI handlers work with: the config and the three subsystems the daemon composes. */
public record Services(BerthConfig config, SandboxRuntime runtime, PodNetworks network, Images images) {
}
