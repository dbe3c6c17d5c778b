package dev.berth.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.RuntimeCondition;
import dev.berth.cri.v1.RuntimeFeatures;
import dev.berth.cri.v1.RuntimeHandler;
import dev.berth.cri.v1.StatusRequest;
import dev.berth.cri.v1.StatusResponse;
import dev.berth.network.NetworkStatus;
import dev.berth.oci.OciFeatures;
import dev.berth.server.fakes.Fakes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTest {

    private final Fakes fakes = Fakes.create();
    private final Status handler = new Status(fakes.services());

    private static RuntimeCondition condition(StatusResponse response, String type) {
        return response.getStatus().getConditionsList().stream().filter(c -> c.getType().equals(type))
                .findFirst().orElseThrow();
    }

    @Test
    void handle_networkReady_bothConditionsTrueWithoutReason() {
        StatusResponse response = handler.handle(StatusRequest.getDefaultInstance());

        assertThat(response.getStatus().getConditionsList()).extracting(RuntimeCondition::getType)
                .containsExactly("RuntimeReady", "NetworkReady");
        assertThat(condition(response, "RuntimeReady").getStatus()).isTrue();
        RuntimeCondition network = condition(response, "NetworkReady");
        assertThat(network.getStatus()).isTrue();
        assertThat(network.getReason()).isEmpty();
        assertThat(network.getMessage()).isEmpty();
    }

    @Test
    void handle_networkNotReady_networkFalseWithReasonAndMessage() {
        fakes.network().setStatus(new NetworkStatus(false, NetworkStatus.NOT_READY_REASON,
                "cni config uninitialized: no valid network config in /etc/cni/net.d"));

        StatusResponse response = handler.handle(StatusRequest.getDefaultInstance());

        RuntimeCondition network = condition(response, "NetworkReady");
        assertThat(network.getStatus()).isFalse();
        assertThat(network.getReason()).isEqualTo("NetworkPluginNotReady");
        assertThat(network.getMessage()).isEqualTo("cni config uninitialized: no valid network config in /etc/cni/net.d");
        assertThat(condition(response, "RuntimeReady").getStatus()).isTrue();
    }

    @Test
    void handle_configuredHandlers_defaultHandlerFirstThenEachConfigured() {
        Fakes custom = Fakes.create(Map.of("runtime.handlers", "runc,crun"));

        StatusResponse response = new Status(custom.services()).handle(StatusRequest.getDefaultInstance());

        assertThat(response.getRuntimeHandlersList()).extracting(RuntimeHandler::getName)
                .containsExactly("", "runc", "crun");
    }

    @Test
    void handle_runtimeWithoutOptionalFeatures_everyHandlerAdvertisesNone() {
        Fakes custom = Fakes.create(Map.of("runtime.handlers", "runc,crun"));

        StatusResponse response = new Status(custom.services()).handle(StatusRequest.getDefaultInstance());

        assertThat(response.getRuntimeHandlersList()).hasSize(3).allSatisfy(h -> {
            assertThat(h.hasFeatures()).isTrue();
            assertThat(h.getFeatures().getRecursiveReadOnlyMounts()).isFalse();
            assertThat(h.getFeatures().getUserNamespaces()).isFalse();
        });
    }

    @Test
    void handle_runtimeWithRecursiveReadOnlyMounts_everyHandlerAdvertisesThem() {
        Fakes custom = Fakes.create(Map.of("runtime.handlers", "runc,crun"));
        custom.runtime().setFeatures(new OciFeatures(true, false));

        StatusResponse response = new Status(custom.services()).handle(StatusRequest.getDefaultInstance());

        assertThat(response.getRuntimeHandlersList()).extracting(RuntimeHandler::getName)
                .containsExactly("", "runc", "crun");
        assertThat(response.getRuntimeHandlersList()).allSatisfy(h -> {
            assertThat(h.getFeatures().getRecursiveReadOnlyMounts()).isTrue();
            assertThat(h.getFeatures().getUserNamespaces()).isFalse();
        });
    }

    @Test
    void handle_runtimeWithIdmappedMounts_advertisesUserNamespaces() {
        fakes.runtime().setFeatures(new OciFeatures(true, true));

        StatusResponse response = handler.handle(StatusRequest.getDefaultInstance());

        assertThat(response.getRuntimeHandlersList()).allSatisfy(
                h -> assertThat(h.getFeatures().getUserNamespaces()).isTrue());
        assertThat(response.getFeatures().getUserNamespacesHostNetwork()).isFalse();
    }

    @Test
    void handle_anyRuntime_advertisesSupplementalGroupsPolicyOnly() {
        StatusResponse response = handler.handle(StatusRequest.getDefaultInstance());

        assertThat(response.getFeatures()).isEqualTo(RuntimeFeatures.newBuilder()
                .setSupplementalGroupsPolicy(true).build());
    }

    @Test
    void handle_verbose_infoNamesSocketAndCniConfDir() {
        Fakes custom = Fakes.create(Map.of("socket", "/run/test/berth.sock", "cni.conf_dir", "/etc/test/net.d"));

        StatusResponse response = new Status(custom.services())
                .handle(StatusRequest.newBuilder().setVerbose(true).build());

        assertThat(response.getInfoMap().get("config"))
                .contains("\"socket\":\"/run/test/berth.sock\"")
                .contains("\"cniConfDir\":\"/etc/test/net.d\"");
    }

    @Test
    void handle_notVerbose_noInfo() {
        assertThat(handler.handle(StatusRequest.getDefaultInstance()).getInfoMap()).isEmpty();
    }
}
