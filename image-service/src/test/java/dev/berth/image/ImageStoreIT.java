package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.fixtures.Leaks;
import dev.berth.fixtures.LocalRegistry;
import dev.berth.fixtures.TestImages;
import dev.berth.host.BerthException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreIT {
    private static final String PAUSE = "registry.k8s.io/pause:3.9";
    @TempDir
    static Path registryDir;
    static LocalRegistry registry;
    static String pauseDigest;
    static String userDigest;

    @TempDir
    Path root;
    ImageStore store;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.start(registryDir);
        pauseDigest = TestImages.pushBusybox(registry.endpoint(), "pause", "3.9");
        userDigest = TestImages.pushBusybox(registry.endpoint(), "test/user", "v1",
                Map.of("User", "berth", "Cmd", List.of("sleep", "3600"), "Labels", Map.of("k", "v")));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            long pid = registry.pid();
            registry.close();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @BeforeEach
    void setUp() {
        store = open();
    }

    private ImageStore open() {
        return ImageStore.open(new ImageSettings(root, List.of(
                new RegistryMirror("registry.k8s.io", List.of(registry.endpoint().toString())))));
    }

    @AfterEach
    void tearDown() {
        for (String container : store.mountedContainers()) {
            store.unmountRootfs(container);
        }
        store.close();
        assertThat(Leaks.mounts()).as("mounts of the store").noneMatch(m -> m.startsWith(root.toString()));
    }

    private static List<Path> entries(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void pull_viaMirror_keepsRequestedNameAndFullLifecycleLeavesNothing() throws Exception {
        Image image = store.pull(PAUSE, null);
        assertThat(image.repoTags()).containsExactly(PAUSE);
        assertThat(image.repoDigests()).containsExactly("registry.k8s.io/pause@" + pauseDigest);
        assertThat(image.id()).matches("sha256:[a-f0-9]{64}");
        assertThat(image.size()).isPositive();
        assertThat(image.config().cmd()).containsExactly("sh");
        assertThat(image.config().env()).anyMatch(e -> e.startsWith("PATH="));
        assertThat(root.resolve("blobs/sha256").resolve(image.id().substring(7))).isRegularFile();

        String hex = image.id().substring(7);
        assertThat(store.find(PAUSE)).contains(image);
        assertThat(store.find(image.id())).contains(image);
        assertThat(store.find(hex)).contains(image);
        assertThat(store.find(hex.substring(0, 12))).contains(image);
        assertThat(store.find("registry.k8s.io/pause@" + pauseDigest)).contains(image);
        assertThat(store.find("registry.k8s.io/pause:other")).isEmpty();
        assertThat(store.find("busybox")).isEmpty();
        assertThat(store.list()).containsExactly(image);

        Path merged = store.mountRootfs("c1", image.id());
        assertThat(merged).isEqualTo(root.resolve("containers/c1/merged"));
        assertThat(Leaks.mounts()).contains(merged.toString());
        assertThat(merged.resolve("bin/busybox")).isRegularFile().isExecutable();
        // The applets are hard links to busybox, as in the registries' busybox images.
        assertThat(Files.isSameFile(merged.resolve("bin/sh"), merged.resolve("bin/busybox"))).isTrue();
        assertThat(merged.resolve("etc/passwd")).content().contains("berth:x:1000:1000");
        Files.writeString(merged.resolve("tmp/written"), "w");
        assertThat(root.resolve("containers/c1/upper/tmp/written")).hasContent("w");
        assertThat(store.mountRootfs("c1", PAUSE)).isEqualTo(merged);
        assertThat(Leaks.mounts().stream().filter(m -> m.equals(merged.toString()))).hasSize(1);
        assertThat(store.mountedContainers()).containsExactly("c1");
        assertThatThrownBy(() -> store.remove(image.id()))
                .isInstanceOf(BerthException.FailedPrecondition.class);
        assertThat(store.usage().usedBytes()).isGreaterThan(Files.size(Path.of("/usr/bin/busybox")));

        store.unmountRootfs("c1");
        store.unmountRootfs("c1");
        assertThat(Leaks.mounts()).as("mounts of the store").noneMatch(m -> m.startsWith(root.toString()));
        assertThat(store.mountedContainers()).isEmpty();
        assertThat(entries(root.resolve("containers"))).isEmpty();

        assertThat(store.remove(PAUSE)).isTrue();
        assertThat(store.remove(PAUSE)).isFalse();
        assertThat(store.list()).isEmpty();
        assertThat(entries(root.resolve("blobs/sha256"))).isEmpty();
        assertThat(entries(root.resolve("layers"))).isEmpty();
        assertThat(entries(root.resolve("images"))).isEmpty();
        assertThat(entries(root.resolve("ingest"))).isEmpty();
    }

    @Test
    void pull_unknownTag_throwsNotFound() {
        assertThatThrownBy(() -> store.pull("registry.k8s.io/pause:does-not-exist", null))
                .isInstanceOf(BerthException.NotFound.class);
        assertThatThrownBy(() -> store.pull("registry.k8s.io/no/such/repo:1", null))
                .isInstanceOf(BerthException.NotFound.class);
        assertThat(store.list()).isEmpty();
    }

    @Test
    void pull_invalidReference_throwsInvalidReference() {
        assertThatThrownBy(() -> store.pull("Not A Ref", null))
                .isInstanceOf(BerthException.InvalidArgument.class);
    }

    @Test
    void pull_loopbackRegistryDirectly_fallsBackToHttpAndReadsConfig() {
        String ref = registry.hostPort() + "/test/user:v1";
        Image image = store.pull(ref, null);
        assertThat(image.repoTags()).containsExactly(ref);
        assertThat(image.repoDigests()).containsExactly(registry.hostPort() + "/test/user@" + userDigest);
        assertThat(image.config().user()).isEqualTo("berth");
        assertThat(image.config().cmd()).containsExactly("sleep", "3600");
        assertThat(image.config().labels()).containsEntry("k", "v");
    }

    @Test
    void pull_byDigest_recordsNoTag() {
        Image image = store.pull("registry.k8s.io/pause@" + pauseDigest, null);
        assertThat(image.repoTags()).isEmpty();
        assertThat(image.repoDigests()).containsExactly("registry.k8s.io/pause@" + pauseDigest);
    }

    @Test
    void remove_oneOfTwoTags_untagsOnly() {
        Image first = store.pull(PAUSE, null);
        TestImages.pushBusybox(registry.endpoint(), "pause", "3.10");
        store.pull("registry.k8s.io/pause:3.10", null);
        assertThat(store.find(first.id()).orElseThrow().repoTags()).containsExactly(PAUSE, "registry.k8s.io/pause:3.10");
        assertThat(store.remove(PAUSE)).isTrue();
        assertThat(store.find(first.id()).orElseThrow().repoTags()).containsExactly("registry.k8s.io/pause:3.10");
        assertThat(store.find(PAUSE)).isEmpty();
    }

    @Test
    void constructor_existingRoot_reloadsImagesAndRootfs() throws Exception {
        Image image = store.pull(PAUSE, null);
        Path merged = store.mountRootfs("c2", image.id());
        store.close();
        store = open();
        assertThat(store.list()).containsExactly(image);
        assertThat(store.mountedContainers()).containsExactly("c2");
        assertThatThrownBy(() -> store.remove(PAUSE)).isInstanceOf(BerthException.class);
        assertThat(merged.resolve("bin/busybox")).isRegularFile();
        store.unmountRootfs("c2");
        assertThat(store.remove(PAUSE)).isTrue();
    }

    @Test
    void pull_sameImageConcurrently_allSucceedWithOneCopy() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Image>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> store.pull(PAUSE, null)));
            }
            Set<String> ids = new java.util.HashSet<>();
            for (Future<Image> f : results) {
                ids.add(f.get(60, TimeUnit.SECONDS).id());
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.list()).hasSize(1);
        assertThat(entries(root.resolve("layers"))).hasSize(1);
        assertThat(entries(root.resolve("blobs/sha256"))).hasSize(2);
        assertThat(store.list().get(0).repoTags()).containsExactly(PAUSE);
    }

    @Test
    void mountRootfs_unknownImage_throwsNotFoundAndLeavesNoDir() throws Exception {
        assertThatThrownBy(() -> store.mountRootfs("c3", "sha256:" + "0".repeat(64)))
                .isInstanceOf(BerthException.NotFound.class);
        assertThat(Files.exists(root.resolve("containers/c3"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
