package dev.berth.server.e2e;

import static dev.berth.server.e2e.PodLifecycleIT.await;
import static dev.berth.server.e2e.PodLifecycleIT.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.berth.cri.v1.Capability;
import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.ContainerMetadata;
import dev.berth.cri.v1.ContainerState;
import dev.berth.cri.v1.ContainerStatus;
import dev.berth.cri.v1.ExecSyncRequest;
import dev.berth.cri.v1.ExecSyncResponse;
import dev.berth.cri.v1.HugepageLimit;
import dev.berth.cri.v1.ImageSpec;
import dev.berth.cri.v1.KeyValue;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerResources;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.ListImagesRequest;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.PullImageRequest;
import dev.berth.cri.v1.RemovePodSandboxRequest;
import dev.berth.cri.v1.SecurityProfile;
import dev.berth.cri.v1.StopPodSandboxRequest;
import dev.berth.fixtures.HostPrograms;
import dev.berth.fixtures.LayerBuilder;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator needs before putting Berth on a node, end to end with a real daemon, runc, conmon and
 * registry: kubelet's hugepage limits on a host that may lack the hugetlb controller, no way for another user
 * of the host into Berth's store, no device nodes from images, and an ExecSync timeout that ends the command.
 */
class NodeSafetyIT {

    private static final String IMAGE = "registry.k8s.io/e2e/busybox:safety";
    private static final String SUID_IMAGE = "registry.k8s.io/e2e/suid:safety";
    private static final String DEVICE_IMAGE = "registry.k8s.io/e2e/devices:safety";
    private static final String PROBE_IMAGE = "registry.k8s.io/e2e/probe:safety";
    private static final String NGINX_IMAGE = "registry.k8s.io/e2e/nginx:safety";
    private static final String HTTPD_IMAGE = "registry.k8s.io/e2e/httpd:safety";
    private static final String PROBE = "/" + HostPrograms.PROBE_PATH;
    /** A set-uid-root copy of busybox, as a hostile or careless image would ship a root shell. */
    private static final String SUID_PROGRAM = "suid-busybox-probe";

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        // Only Berth's own modes may keep other users out: the test directories around it are open to all.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        registry = LocalRegistry.start(dir.resolve("registry"));
        TestImages.pushBusybox(registry.endpoint(), "e2e/busybox", "safety");
        TestImages.pushBusybox(registry.endpoint(), "e2e/suid", "safety", Map.of(), List.of(new LayerBuilder()
                .file("bin/" + SUID_PROGRAM, Files.readAllBytes(Path.of("/usr/bin/busybox")), 04755).tar()));
        TestImages.pushBusybox(registry.endpoint(), "e2e/devices", "safety", Map.of(), List.of(new LayerBuilder()
                .device("dev/host-disk", true, 8, 0, 0666).tar()));
        TestImages.pushBusybox(registry.endpoint(), "e2e/probe", "safety", Map.of(), List.of(new LayerBuilder()
                .file(HostPrograms.PROBE_PATH, HostPrograms.syscallProbe(Files.createDirectories(dir.resolve("cc"))),
                        0755).tar()));
        pushWebServers();
        Path berth = Files.createDirectories(dir.resolve("berth"));
        Files.setPosixFilePermissions(berth, PosixFilePermissions.fromString("rwxr-xr-x"));
        daemon = DaemonProcess.start(berth, registry.endpoint());
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            if (daemon != null) {
                daemon.shutDown(dir);
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    /** Every test removes its pods; this removes what a failed one left. */
    @AfterEach
    void removeEveryPod() {
        daemon.removeEveryPod();
    }

    @Test
    void hugepageLimits_asKubeletSendsThem_containerRunsWhetherOrNotTheHostHasHugetlb() throws Exception {
        pull(IMAGE);
        PodSandboxConfig pod = podConfig("hugepages");
        String podId = runPod(pod);
        // kubelet sends a limit of 0 for every page size in /sys/kernel/mm/hugepages, on every container
        String id = startContainer(podId, pod, IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("limited"))
                .addCommand("sh").addArgs("-c").addArgs("echo ran")
                .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .setCpuShares(2).setMemoryLimitInBytes(64L << 20)
                        .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
                        .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("1GB").setLimit(0)))));

        ContainerStatus exited = await(Duration.ofSeconds(30), () -> status(id),
                s -> s.getState() == ContainerState.CONTAINER_EXITED);

        assertThat(exited.getExitCode()).as(exited.getMessage()).isZero();
        assertThat(Files.readString(Path.of(exited.getLogPath()))).contains("stdout F ran");
        removePod(podId);
    }

    @Test
    void hostUser_cannotListReadOrRunAnythingOfBerths() throws Exception {
        pull(SUID_IMAGE);
        PodSandboxConfig pod = podConfig("private");
        String podId = runPod(pod);
        String id = startContainer(podId, pod, SUID_IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("holder"))
                .addCommand("sleep").addArgs("600")
                .addEnvs(KeyValue.newBuilder().setKey("DB_PASSWORD").setValue(ByteString.copyFromUtf8("hunter2"))));
        Path root = daemon.dir.resolve("root");
        Path state = daemon.dir.resolve("state");
        Path spec = state.resolve("containers").resolve(id).resolve("config.json");
        Path merged = root.resolve("images/containers").resolve(id).resolve("merged");
        Path suid;
        try (Stream<Path> files = Files.walk(root.resolve("images/layers"))) {
            suid = files.filter(p -> p.getFileName().toString().equals(SUID_PROGRAM)).findFirst().orElseThrow();
        }
        // the paths are right: root reaches every one of them
        assertThat(Files.readString(spec)).contains("hunter2");
        assertThat(merged.resolve("etc/passwd")).exists();
        assertThat(((Integer) Files.getAttribute(suid, "unix:mode")) & 07777).isEqualTo(04755);

        assertThat(mode(root)).isEqualTo("rwx------");
        assertThat(mode(state)).as("the test daemon's socket is outside it").isEqualTo("rwx------");
        try (Stream<Path> entries = Files.list(state)) {
            assertThat(entries.filter(Files::isDirectory)).allSatisfy(d -> assertThat(mode(d)).as(d.toString())
                    .isEqualTo("rwx------"));
        }
        assertThat(mode(spec)).isEqualTo("rw-------");
        try (Stream<Path> records = Files.walk(root.resolve("state"))) {
            assertThat(records.filter(Files::isRegularFile)).isNotEmpty()
                    .allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
        }
        try (Stream<Path> cache = Files.walk(root.resolve("cni/cache"))) {
            assertThat(cache.filter(Files::isRegularFile)).isNotEmpty()
                    .allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
        }

        for (String command : List.of("ls " + root, "ls " + state, "ls " + state.resolve("containers"),
                "cat " + spec, "cat " + merged.resolve("etc/passwd"), "ls " + root.resolve("images/layers"),
                suid + " id -u")) {
            String out = asNobody(command);
            assertThat(out).as(command).startsWith("exit=1").contains("Permission denied")
                    .doesNotContain("hunter2");
        }
        assertThat(asNobody("id -u")).as("the probe user is unprivileged").isEqualTo("exit=0 65534\n");
        removePod(podId);
    }

    @Test
    void layerWithDeviceNode_pullRefusedNamingIt_andNothingKept() throws Exception {
        assertThatThrownBy(() -> pull(DEVICE_IMAGE)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("dev/host-disk").contains("block device (8:0)");
        });

        assertThat(daemon.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList())
                .flatExtracting(image -> image.getRepoTagsList()).doesNotContain(DEVICE_IMAGE);
        try (Stream<Path> files = Files.walk(daemon.dir.resolve("root/images/layers"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("layer store")
                    .noneMatch(n -> n.equals("host-disk") || n.startsWith(".tmp-"));
        }
    }

    @Test
    void execSyncTimeout_killsTheCommandAndWhatItStarted() throws Exception {
        pull(IMAGE);
        PodSandboxConfig pod = podConfig("exec-timeout");
        String podId = runPod(pod);
        String id = startContainer(podId, pod, IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("target"))
                .addCommand("sleep").addArgs("600"));

        long started = System.nanoTime();
        assertThatThrownBy(() -> exec(id, 1, "sh", "-c", "sleep 4321 & sleep 4322 & sleep 4323; echo never"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

        // What critest's pgrep sees right after the timeout: no sleep of the command, running or a zombie.
        ExecSyncResponse ps = exec(id, 10, "ps", "-o", "pid,stat,args");
        assertThat(ps.getStdout().toStringUtf8()).doesNotContain("432").doesNotContain("[sleep]")
                .contains("sleep 600");
        assertThat(output("ps", "-eo", "args")).as("processes on the host").doesNotContain("sleep 432");
        removePod(podId);
    }

    @Test
    void seccompRuntimeDefault_deniesWhatTheListLeavesOut_andCapabilitiesUnlockTheirCalls() throws Exception {
        pull(PROBE_IMAGE);
        PodSandboxConfig pod = podConfig("seccomp");
        String podId = runPod(pod);
        String confined = startProbe(podId, pod, "confined", SecurityProfile.ProfileType.RuntimeDefault);
        String unconfined = startProbe(podId, pod, "unconfined", SecurityProfile.ProfileType.Unconfined);
        String admin = startProbe(podId, pod, "admin", SecurityProfile.ProfileType.RuntimeDefault, "SYS_ADMIN");
        String tracer = startProbe(podId, pod, "tracer", SecurityProfile.ProfileType.RuntimeDefault, "SYS_PTRACE");

        for (String call : List.of("keyctl", "add_key", "unshare", "ptrace", "mount", "clone-newns",
                "io_uring_setup", "personality-bad")) {
            assertThat(probe(confined, call)).as(call + " under RuntimeDefault").isEqualTo(call + " errno=1");
        }
        assertThat(probe(confined, "clone3")).as("clone3 falls back to clone").startsWith("clone3 errno=38");
        for (String call : List.of("clone", "socket-inet", "chroot", "personality-query")) {
            assertThat(probe(confined, call)).as(call + " under RuntimeDefault").isEqualTo(call + " ok");
        }
        for (String call : List.of("keyctl", "add_key", "ptrace", "io_uring_setup")) {
            assertThat(probe(unconfined, call)).as(call + " Unconfined").isEqualTo(call + " ok");
        }
        assertThat(probe(admin, "unshare")).isEqualTo("unshare ok");
        assertThat(probe(admin, "mount")).isEqualTo("mount ok");
        assertThat(probe(admin, "keyctl")).as("no capability unlocks keyrings").isEqualTo("keyctl errno=1");
        assertThat(probe(tracer, "ptrace")).isEqualTo("ptrace ok");
        assertThat(probe(tracer, "unshare")).isEqualTo("unshare errno=1");

        // everyday programs are not hurt: busybox's applets, with threads, sockets, pipes and processes
        ExecSyncResponse busybox = exec(confined, 30, "sh", "-c", "ls / >/dev/null && ps >/dev/null && date"
                + " && id && tar cf /tmp/t.tar /etc && sort /etc/passwd | head -1 && nc -l -p 9000 -e true &"
                + " sleep 0.2; echo | nc 127.0.0.1 9000; wait; grep Seccomp: /proc/self/status");
        assertThat(busybox.getExitCode()).as(busybox.getStderr().toStringUtf8()).isZero();
        assertThat(busybox.getStdout().toStringUtf8()).containsPattern("Seccomp:\\s+2");
        removePod(podId);
    }

    @Test
    void webServers_nginxAndApacheHttpd_serveUnderRuntimeDefault() throws Exception {
        pull(NGINX_IMAGE);
        pull(HTTPD_IMAGE);
        pull(IMAGE);
        PodSandboxConfig pod = podConfig("web");
        String podId = runPod(pod);
        String nginx = startContainer(podId, pod, NGINX_IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("nginx"))
                .addCommand("/usr/sbin/nginx").addArgs("-e").addArgs("stderr").addArgs("-c")
                .addArgs("/etc/nginx/nginx.conf")
                .setLinux(runtimeDefault()));
        String httpd = startContainer(podId, pod, HTTPD_IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("httpd"))
                .addCommand("/usr/sbin/apache2").addArgs("-DFOREGROUND").addArgs("-f")
                .addArgs("/etc/apache2/httpd.conf")
                .setLinux(runtimeDefault()));
        String client = startContainer(podId, pod, IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("client"))
                .addCommand("sleep").addArgs("600").setLinux(runtimeDefault()));

        for (String url : List.of("http://127.0.0.1:8080/index.html", "http://127.0.0.1:8081/index.html")) {
            String body = await(Duration.ofSeconds(30), () -> exec(client, 10, "wget", "-q", "-O-", url)
                    .getStdout().toStringUtf8(), out -> out.contains("served"));
            assertThat(body).as(url).isEqualTo("served\n");
        }
        assertThat(status(nginx).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(status(httpd).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(exec(httpd, 10, "/usr/sbin/apache2", "-v").getStdout().toStringUtf8()).contains("Apache");
        removePod(podId);
    }

    /** nginx and Apache httpd from this host's Debian packages, each with a configuration for port 8080/8081. */
    private static void pushWebServers() {
        Map<String, String> site = Map.of("srv/index.html", "served\n");
        Map<String, String> nginxFiles = new java.util.HashMap<>(site);
        nginxFiles.put("etc/nginx/nginx.conf", """
                daemon off;
                worker_processes 2;
                user nobody nogroup;
                pid /tmp/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path /tmp/nginx-body;
                    proxy_temp_path /tmp/nginx-proxy;
                    fastcgi_temp_path /tmp/nginx-fastcgi;
                    uwsgi_temp_path /tmp/nginx-uwsgi;
                    scgi_temp_path /tmp/nginx-scgi;
                    server { listen 8080; root /srv; }
                }
                """);
        TestImages.pushBusybox(registry.endpoint(), "e2e/nginx", "safety", Map.of(), List.of(HostPrograms.layer(
                Map.of(HostPrograms.NGINX, "usr/sbin/nginx"), nginxFiles)));
        Map<String, String> httpdFiles = new java.util.HashMap<>(site);
        httpdFiles.put("etc/apache2/httpd.conf", """
                ServerRoot /etc/apache2
                LoadModule mpm_event_module %1$s/mod_mpm_event.so
                LoadModule authz_core_module %1$s/mod_authz_core.so
                Listen 8081
                ServerName web
                User nobody
                Group nogroup
                PidFile /tmp/httpd.pid
                DefaultRuntimeDir /tmp
                ErrorLog /dev/stderr
                DocumentRoot /srv
                """.formatted(HostPrograms.APACHE_MODULES));
        Map<Path, String> httpdPrograms = new java.util.LinkedHashMap<>();
        httpdPrograms.put(HostPrograms.APACHE, "usr/sbin/apache2");
        for (String module : List.of("mod_mpm_event.so", "mod_authz_core.so")) {
            Path so = HostPrograms.APACHE_MODULES.resolve(module);
            httpdPrograms.put(so, so.toString().substring(1));
        }
        TestImages.pushBusybox(registry.endpoint(), "e2e/httpd", "safety", Map.of(),
                List.of(HostPrograms.layer(httpdPrograms, httpdFiles)));
    }

    private static LinuxContainerConfig.Builder runtimeDefault() {
        return LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault)));
    }

    private static String startProbe(String podId, PodSandboxConfig pod, String name,
                                     SecurityProfile.ProfileType profile, String... addCapabilities) {
        return startContainer(podId, pod, PROBE_IMAGE, ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .addCommand("sleep").addArgs("600")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                        .newBuilder().setSeccomp(SecurityProfile.newBuilder().setProfileType(profile))
                        .setCapabilities(Capability.newBuilder().addAllAddCapabilities(List.of(addCapabilities))))));
    }

    /** What the probe printed for {@code call}, without the kernel's message. */
    private static String probe(String container, String call) {
        String out = exec(container, 10, PROBE, call).getStdout().toStringUtf8().strip();
        return out.replaceFirst("^(\\S+ errno=\\d+).*", "$1");
    }

    private static String asNobody(String command) throws IOException, InterruptedException {
        return output("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh", "-c",
                "out=$(" + command + " 2>&1); echo \"exit=$(test $? = 0 && echo 0 || echo 1) $out\"");
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void pull(String image) {
        daemon.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                .build());
    }

    private static ExecSyncResponse exec(String id, long timeout, String... command) {
        return daemon.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(id)
                .addAllCmd(List.of(command)).setTimeout(timeout).build());
    }

    private static PodSandboxConfig podConfig(String name) {
        return daemon.podConfig("safety", name);
    }

    private static String runPod(PodSandboxConfig config) {
        return daemon.runPod(config);
    }

    private static String startContainer(String podId, PodSandboxConfig pod, String image,
                                         ContainerConfig.Builder config) {
        return daemon.startContainer(podId, pod, image, config);
    }

    private static ContainerStatus status(String id) {
        return daemon.containerStatus(id);
    }

    /** Removes the pod and checks that nothing of it is left. */
    private static void removePod(String podId) throws IOException, InterruptedException {
        daemon.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        daemon.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        PodLifecycleIT.assertNothingLeaked(daemon, dir);
    }
}
