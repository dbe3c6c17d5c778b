package dev.berth.server.runtime;

import dev.berth.cri.v1.VersionRequest;
import dev.berth.cri.v1.VersionResponse;
import dev.berth.server.BuildInfo;

/** Version: the CRI version Berth speaks and its own name and version. */
public final class Version {

    /** The kubelet-facing API version; kubelet checks it before anything else. */
    static final String KUBE_API_VERSION = "0.1.0";
    static final String RUNTIME_API_VERSION = "v1";

    public VersionResponse handle(VersionRequest request) {
        return VersionResponse.newBuilder()
                .setVersion(KUBE_API_VERSION)
                .setRuntimeName("berth")
                .setRuntimeVersion(BuildInfo.version())
                .setRuntimeApiVersion(RUNTIME_API_VERSION)
                .build();
    }
}
