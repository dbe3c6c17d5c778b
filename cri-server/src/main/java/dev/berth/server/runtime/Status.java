package dev.berth.server.runtime;

import dev.berth.cri.v1.RuntimeCondition;
import dev.berth.cri.v1.RuntimeFeatures;
import dev.berth.cri.v1.RuntimeHandler;
import dev.berth.cri.v1.RuntimeHandlerFeatures;
import dev.berth.cri.v1.RuntimeStatus;
import dev.berth.cri.v1.StatusRequest;
import dev.berth.cri.v1.StatusResponse;
import dev.berth.network.NetworkStatus;
import dev.berth.oci.OciFeatures;
import dev.berth.server.Services;

/**
 * Status: RuntimeReady is true once Berth serves (calls are refused until recovery is done); NetworkReady
 * follows the CNI configuration, with the reason kubelet shows on the node while no config is usable. Every
 * runtime handler, the default one ({@code ""}) first, runs the same runc, so all advertise what it and the
 * kernel support; kubelet refuses pods that need a feature no handler advertises.
 */
public final class Status {

    private final Services services;

    public Status(Services services) {
        this.services = services;
    }

    public StatusResponse handle(StatusRequest request) {
        NetworkStatus network = services.network().status();
        RuntimeCondition.Builder networkReady = RuntimeCondition.newBuilder()
                .setType("NetworkReady")
                .setStatus(network.ready());
        if (!network.ready()) {
            networkReady.setReason(network.reason()).setMessage(network.message());
        }
        StatusResponse.Builder response = StatusResponse.newBuilder()
                .setStatus(RuntimeStatus.newBuilder()
                        .addConditions(RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(true))
                        .addConditions(networkReady))
                // Strict groups and ContainerStatus.user need nothing of runc; a user namespace with the node's
                // network and Mount.mount_options are not supported
                .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(true));
        RuntimeHandlerFeatures features = handlerFeatures(services.runtime().features());
        response.addRuntimeHandlers(RuntimeHandler.newBuilder().setName("").setFeatures(features));
        for (String handler : services.config().runtime().handlers()) {
            response.addRuntimeHandlers(RuntimeHandler.newBuilder().setName(handler).setFeatures(features));
        }
        if (request.getVerbose()) {
            response.putInfo("config", "{\"socket\":\"" + services.config().socket() + "\",\"cniConfDir\":\""
                    + services.config().cni().confDir() + "\"}");
        }
        return response.build();
    }

    static RuntimeHandlerFeatures handlerFeatures(OciFeatures oci) {
        return RuntimeHandlerFeatures.newBuilder()
                .setRecursiveReadOnlyMounts(oci.recursiveReadOnly())
                .setUserNamespaces(oci.userNamespaces())
                .build();
    }
}
