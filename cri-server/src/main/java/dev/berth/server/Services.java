package dev.berth.server;

import dev.berth.image.Images;
import dev.berth.network.PodNetworks;
import dev.berth.sandbox.SandboxRuntime;
import dev.berth.server.config.BerthConfig;
import dev.berth.server.streaming.StreamUrls;

/**
 * What the CRI handlers work with: the config, the three subsystems the daemon composes and the streaming
 * server's URLs ({@code streaming} is null where no streaming server runs; the streaming RPCs then fail).
 */
public record Services(BerthConfig config, SandboxRuntime runtime, PodNetworks network, Images images,
                       StreamUrls streaming) {

    public Services(BerthConfig config, SandboxRuntime runtime, PodNetworks network, Images images) {
        this(config, runtime, network, images, null);
    }
}
