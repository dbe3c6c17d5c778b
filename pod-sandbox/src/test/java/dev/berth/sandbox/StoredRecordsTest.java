package dev.berth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PodSandboxMetadata;
import dev.berth.host.Json;
import dev.berth.oci.UserSpec;
import dev.berth.store.RecordStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records written by Berth before metadata and status were stored apart still load, with every field. */
class StoredRecordsTest {

    @TempDir
    Path dir;

    @Test
    void containerRecordOfVersion1_loadsWithEveryField() throws Exception {
        String config = base64(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("web")).build().toByteArray());
        Files.writeString(dir.resolve("c1.json"), """
                {"version":1,"value":{"id":"c1","sandboxId":"s1","name":"web_s1","config":"%s","imageId":"sha256:ab",
                 "imageRef":"busybox@sha256:cd","createdAtNanos":10,"startedAtNanos":20,"finishedAtNanos":30,
                 "exitCode":3,"reason":"Error","message":"bad","logPath":"/var/log/pods/x/web/0.log","pid":77,
                 "bundle":"/run/berth/containers/c1","stopSignal":"SIGQUIT","unknown":false,"resources":null}}
                """.formatted(config));

        ContainerRecord r = new RecordStore<>(dir, ContainerRecord.Meta.class, ContainerRecord.Status.class,
                ContainerRecord::new, Json.MAPPER).load().getFirst();

        assertThat(r.meta()).isEqualTo(new ContainerRecord.Meta("c1", "s1", "web_s1", r.meta().config(),
                "sha256:ab", "busybox@sha256:cd", 10, "/var/log/pods/x/web/0.log", "/run/berth/containers/c1",
                "SIGQUIT", null));
        assertThat(r.toInfo().user()).as("no identity was kept").isNull();
        assertThat(r.parsedConfig().getMetadata().getName()).isEqualTo("web");
        assertThat(r.status()).isEqualTo(new ContainerRecord.Status(20, 30, 3, "Error", "bad", 77, false, null));
        assertThat(r.state()).isEqualTo(ContainerState.EXITED);
    }

    @Test
    void containerMetaOfVersion2WithoutUser_loadsWithNoUser() throws Exception {
        String config = base64(ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("web")).build().toByteArray());
        Files.createDirectories(dir.resolve("meta"));
        Files.createDirectories(dir.resolve("status"));
        Files.writeString(dir.resolve("meta/c1.json"), """
                {"version":2,"value":{"id":"c1","sandboxId":"s1","name":"web_s1","config":"%s","imageId":"sha256:ab",
                 "imageRef":"busybox@sha256:cd","createdAtNanos":10,"logPath":"/var/log/pods/x/web/0.log",
                 "bundle":"/run/berth/containers/c1","stopSignal":"SIGTERM"}}
                """.formatted(config));
        Files.writeString(dir.resolve("status/c1.json"), """
                {"version":2,"value":{"startedAtNanos":20,"finishedAtNanos":0,"exitCode":0,"reason":"","message":"",
                 "pid":77,"unknown":false,"resources":null}}
                """);

        ContainerRecord r = new RecordStore<>(dir, ContainerRecord.Meta.class, ContainerRecord.Status.class,
                ContainerRecord::new, Json.MAPPER).load().getFirst();

        assertThat(r.meta().user()).isNull();
        assertThat(r.toInfo().user()).isNull();
        assertThat(r.state()).isEqualTo(ContainerState.RUNNING);
    }

    @Test
    void containerMetaWithUser_keepsItAcrossALoad() {
        var store = new RecordStore<>(dir, ContainerRecord.Meta.class, ContainerRecord.Status.class,
                ContainerRecord::new, Json.MAPPER);
        UserSpec user = new UserSpec(1000, 3000, List.of(3000L, 4000L), "/home/app");
        store.create("c1", new ContainerRecord.Meta("c1", "s1", "web_s1", ContainerConfig.getDefaultInstance()
                .toByteArray(), "sha256:ab", "busybox@sha256:cd", 10, "/l", "/b", "SIGTERM", user),
                ContainerRecord.Status.created(77));

        ContainerRecord r = new RecordStore<>(dir, ContainerRecord.Meta.class, ContainerRecord.Status.class,
                ContainerRecord::new, Json.MAPPER).load().getFirst();

        assertThat(r.toInfo().user()).isEqualTo(user);
    }

    @Test
    void sandboxRecordOfVersion1_loadsWithEveryField() throws Exception {
        String config = base64(PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("pod")).build().toByteArray());
        Files.writeString(dir.resolve("s1.json"), """
                {"version":1,"value":{"id":"s1","name":"pod_ns_uid_0","config":"%s","runtimeHandler":"",
                 "createdAtNanos":10,"stoppedAtNanos":0,"namespacesReleased":false,"netns":"/run/berth/ns/net/s1",
                 "ipcns":"/run/berth/ns/ipc/s1","utsns":null,"shm":"/run/berth/sandboxes/s1/shm",
                 "cgroupParent":"/kubepods/pod1","cgroupOwned":true,"infraId":"s1","infraPid":55,
                 "ip":"10.88.0.5","additionalIps":["fd00::5"],"readyAtNanos":null}}
                """.formatted(config));

        SandboxRecord r = new RecordStore<>(dir, SandboxRecord.Meta.class, SandboxRecord.Status.class,
                SandboxRecord::new, Json.MAPPER).load().getFirst();

        assertThat(r.meta()).isEqualTo(new SandboxRecord.Meta("s1", "pod_ns_uid_0", r.meta().config(), "", 10,
                "/run/berth/ns/net/s1", "/run/berth/ns/ipc/s1", null, "/run/berth/sandboxes/s1/shm",
                "/kubepods/pod1", true, "s1", null));
        assertThat(r.parsedConfig().getMetadata().getName()).isEqualTo("pod");
        assertThat(r.status()).isEqualTo(new SandboxRecord.Status(0, false, 55, "10.88.0.5", List.of("fd00::5"),
                null));
        assertThat(r.state()).isEqualTo(SandboxState.READY);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
