package dev.berth.server.runtime;

import dev.berth.cri.v1.RuntimeCondition;
import dev.berth.cri.v1.RuntimeFeatures;
import dev.berth.cri.v1.RuntimeHandler;
import dev.berth.cri.v1.RuntimeHandlerFeatures;
import dev.berth.cri.v1.RuntimeStatus;
import dev.berth.cri.v1.StatusRequest;
import dev.berth.cri.v1.StatusResponse;
import dev.berth.network.NetworkStatus;
import dev.berth.server.Services;

/**
 * Status: RuntimeReady is true once Berth serves (calls are refused until recovery is done); NetworkReady
 * follows the CNI configuration, with the reason kubelet shows on the node while no config is usable.
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
                .setFeatures(RuntimeFeatures.getDefaultInstance());
        response.addRuntimeHandlers(RuntimeHandler.newBuilder()
                .setName("")
                .setFeatures(RuntimeHandlerFeatures.getDefaultInstance()));
        for (String handler : services.config().runtime().handlers()) {
            response.addRuntimeHandlers(RuntimeHandler.newBuilder()
                    .setName(handler)
                    .setFeatures(RuntimeHandlerFeatures.getDefaultInstance()));
        }
        if (request.getVerbose()) {
            response.putInfo("config", "{\"socket\":\"" + services.config().socket() + "\",\"cniConfDir\":\""
                    + services.config().cni().confDir() + "\"}");
        }
        return response.build();
    }
}
