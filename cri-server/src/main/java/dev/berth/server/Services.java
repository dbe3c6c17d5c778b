package dev.berth.server;

import dev.berth.image.ImageStore;
import dev.berth.network.CniManager;
import dev.berth.sandbox.PodRuntime;
import dev.berth.server.config.BerthConfig;

/** What the CRI handlers work with: the config and the three subsystems the daemon composes. */
public record Services(BerthConfig config, PodRuntime runtime, CniManager network, ImageStore images) {
}
