package dev.berth.oci;

import static dev.berth.oci.Fixtures.container;
import static dev.berth.oci.Fixtures.input;
import static dev.berth.oci.OciSpecsContainerTest.destinations;
import static dev.berth.oci.OciSpecsContainerTest.mount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.Mount;
import dev.berth.cri.v1.MountPropagation;
import dev.berth.host.BerthException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountsTest {

    private static Mount bind(String container, String host) {
        return Mount.newBuilder().setContainerPath(container).setHostPath(host).build();
    }

    /** A host whose runc and kernel make submounts read-only. */
    private static final HostFacts RRO_HOST = Fixtures.HOST_V1.withOci(new OciFeatures(true, false));

    private static ObjectNode spec(Mount... mounts) {
        return spec(Fixtures.HOST_V1, mounts);
    }

    private static ObjectNode spec(HostFacts host, Mount... mounts) {
        ContainerConfig c = container().addCommand("/bin/true").addAllMounts(List.of(mounts)).build();
        return OciSpecs.container(input(c, Fixtures.sandbox().build(), Fixtures.POD_NS, host));
    }

    private static Mount.Builder recursiveReadOnly(String container, String host) {
        return Mount.newBuilder().setContainerPath(container).setHostPath(host).setReadonly(true)
                .setRecursiveReadOnly(true);
    }

    @Test
    void container_noCriMounts_standardThenSandboxFiles() {
        assertThat(destinations(spec())).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue",
                "/sys", "/sys/fs/cgroup", "/etc/hostname", "/etc/resolv.conf", "/etc/hosts");
    }

    @Test
    void container_standardMounts_haveExpectedOptions() {
        ObjectNode s = spec();

        assertThat(mount(s, "/dev").toString()).isEqualTo("{\"destination\":\"/dev\",\"type\":\"tmpfs\","
                + "\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]}");
        assertThat(mount(s, "/sys/fs/cgroup").get("type").asText()).isEqualTo("cgroup");
        assertThat(mount(s, "/sys/fs/cgroup").get("options").toString()).contains("\"ro\"");
        assertThat(mount(s, "/dev/shm").get("source").asText()).isEqualTo("/run/berth/sb1/shm");
        assertThat(mount(s, "/dev/shm").get("type").asText()).isEqualTo("bind");
        assertThat(mount(s, "/etc/hosts").toString()).isEqualTo("{\"destination\":\"/etc/hosts\",\"type\":\"bind\","
                + "\"source\":\"/run/berth/sb1/hosts\",\"options\":[\"rbind\",\"rprivate\",\"rw\"]}");
    }

    @Test
    void container_noSandboxFiles_privateShmAndNoEtcFiles() {
        SpecInput in = input(container().addCommand("/bin/true").build());
        SpecInput bare = new SpecInput(in.containerId(), in.container(), in.sandbox(), in.image(), in.user(),
                in.rootfs(), in.namespaces(), in.cgroupsPath(), null, in.host());

        ObjectNode s = OciSpecs.container(bare);

        assertThat(destinations(s)).doesNotContain("/etc/hosts", "/etc/hostname", "/etc/resolv.conf");
        assertThat(mount(s, "/dev/shm").get("type").asText()).isEqualTo("tmpfs");
        assertThat(mount(s, "/dev/shm").get("options").toString()).contains("size=65536k");
    }

    @Test
    void container_criMountsOutOfOrder_parentsBeforeChildren() {
        ObjectNode s = spec(bind("/data/a/b", "/h/ab"), bind("/data", "/h/d"), bind("/data/a", "/h/a"),
                bind("/other", "/h/o"));

        List<String> d = destinations(s);
        assertThat(d.subList(d.size() - 4, d.size())).containsExactly("/data", "/other", "/data/a", "/data/a/b");
    }

    @Test
    void container_criMountOverEtcHosts_sandboxFileSkipped() {
        ObjectNode s = spec(bind("/etc/hosts", "/my/hosts"));

        assertThat(destinations(s).stream().filter("/etc/hosts"::equals)).hasSize(1);
        assertThat(mount(s, "/etc/hosts").get("source").asText()).isEqualTo("/my/hosts");
    }

    @Test
    void container_criMountOfDev_dropsStandardDevMounts() {
        ObjectNode s = spec(bind("/dev", "/dev"));

        assertThat(destinations(s)).doesNotContain("/dev/pts", "/dev/shm", "/dev/mqueue");
        assertThat(mount(s, "/dev").get("type").asText()).isEqualTo("bind");
    }

    @Test
    void container_criMountPropagationAndReadonly_mappedToOptions() {
        Mount slave = Mount.newBuilder().setContainerPath("/s").setHostPath("/hs").setReadonly(true)
                .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER).setSelinuxRelabel(true).build();
        Mount shared = Mount.newBuilder().setContainerPath("/b/").setHostPath("/hb")
                .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL).build();

        ObjectNode s = spec(slave, shared, bind("/p", "/hp"));

        assertThat(mount(s, "/s").get("options").toString()).isEqualTo("[\"rbind\",\"rslave\",\"ro\"]");
        assertThat(mount(s, "/b").get("options").toString()).isEqualTo("[\"rbind\",\"rshared\",\"rw\"]");
        JsonNode p = mount(s, "/p");
        assertThat(p.get("options").toString()).isEqualTo("[\"rbind\",\"rprivate\",\"rw\"]");
        assertThat(p.get("type").asText()).isEqualTo("bind");
        assertThat(p.get("source").asText()).isEqualTo("/hp");
    }

    @Test
    void container_relativeContainerPath_rejectedNamingField() {
        assertThatThrownBy(() -> spec(bind("/ok", "/h"), bind("data", "/h")))
                .isInstanceOf(BerthException.InvalidArgument.class)
                .hasMessageContaining("mounts[1].container_path").hasMessageContaining("data");
    }

    @Test
    void container_emptyHostPath_rejectedNamingField() {
        assertThatThrownBy(() -> spec(bind("/x", "")))
                .isInstanceOf(BerthException.InvalidArgument.class).hasMessageContaining("mounts[0].host_path");
    }

    @Test
    void container_mountOverTheRoot_rejectedNamingField() {
        for (String root : new String[] {"/", "//", "/data/..", "/."}) {
            assertThatThrownBy(() -> spec(bind("/ok", "/h"), bind(root, "/h"))).as(root)
                    .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                            e -> assertThat(e.field()).isEqualTo("mounts[1].container_path"));
        }
    }

    @Test
    void container_recursiveReadOnlyOnCapableHost_roAndRro() {
        ObjectNode s = spec(RRO_HOST, recursiveReadOnly("/data", "/h/data").build(), bind("/plain", "/h/plain"));

        assertThat(mount(s, "/data").get("options").toString())
                .isEqualTo("[\"rbind\",\"rprivate\",\"ro\",\"rro\"]");
        assertThat(mount(s, "/plain").get("options").toString()).isEqualTo("[\"rbind\",\"rprivate\",\"rw\"]");
    }

    @Test
    void container_recursiveReadOnlyWithoutReadonly_rejectedNamingField() {
        Mount writable = recursiveReadOnly("/data", "/h").setReadonly(false).build();

        assertThatThrownBy(() -> spec(RRO_HOST, bind("/ok", "/h"), writable))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class, e -> {
                    assertThat(e.field()).isEqualTo("mounts[1].recursive_read_only");
                    assertThat(e.getMessage()).contains("readonly");
                });
    }

    @Test
    void container_recursiveReadOnlyWithPropagation_rejectedNamingField() {
        for (MountPropagation p : new MountPropagation[] {MountPropagation.PROPAGATION_HOST_TO_CONTAINER,
                MountPropagation.PROPAGATION_BIDIRECTIONAL}) {
            Mount propagating = recursiveReadOnly("/data", "/h").setPropagation(p).build();

            assertThatThrownBy(() -> spec(RRO_HOST, propagating)).as(p.name())
                    .isInstanceOfSatisfying(BerthException.InvalidArgument.class, e -> {
                        assertThat(e.field()).isEqualTo("mounts[0].recursive_read_only");
                        assertThat(e.getMessage()).contains("PROPAGATION_PRIVATE").contains(p.name());
                    });
        }
    }

    @Test
    void container_recursiveReadOnlyOnHostWithoutRro_rejectedNamingField() {
        assertThatThrownBy(() -> spec(Fixtures.HOST_V1, recursiveReadOnly("/data", "/h").build()))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class, e -> {
                    assertThat(e.field()).isEqualTo("mounts[0].recursive_read_only");
                    assertThat(e.getMessage()).contains("not supported");
                });
    }
}
