package dev.berth.server.runtime;

import dev.berth.cri.v1.UpdateRuntimeConfigRequest;
import dev.berth.cri.v1.UpdateRuntimeConfigResponse;

/**
 * UpdateRuntimeConfig: kubelet sends the node's pod CIDR here. Berth's CNI configs carry their own IPAM
 * ranges, so the value is accepted and not used, as with containerd when its CNI config is not templated.
 */
public final class UpdateRuntimeConfig {

    public UpdateRuntimeConfigResponse handle(UpdateRuntimeConfigRequest request) {
        return UpdateRuntimeConfigResponse.getDefaultInstance();
    }
}
