package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.fixtures.LayerBuilder;
import dev.berth.fixtures.Leaks;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacked whiteouts and opaque dirs hide lower layers once mounted by the real overlayfs. */
class OverlayWhiteoutIT {
    @TempDir
    Path root;

    @Test
    void mount_layerWithWhiteoutAndOpaqueDir_hidesLowerEntries() throws Exception {
        byte[] lower = new LayerBuilder().dir("etc", 0755).file("etc/keep", "k", 0644).file("etc/gone", "g", 0644)
                .dir("var", 0755).file("var/old", "o", 0644).tar();
        byte[] upper = new LayerBuilder().file("etc/.wh.gone", "", 0644)
                .dir("var", 0755).file("var/.wh..wh..opq", "", 0644).file("var/new", "n", 0644).tar();
        List<String> chains = Digests.chainIds(List.of(Digests.of(lower), Digests.of(upper)));
        LayerStore layers = new LayerStore(root, new LayerUnpacker(Posix.isRoot(), false));
        BlobStore blobs = new BlobStore(root);
        Path lowerBlob = blobs.ingest(Digests.of(lower), lower.length, new ByteArrayInputStream(lower));
        Path upperBlob = blobs.ingest(Digests.of(upper), upper.length, new ByteArrayInputStream(upper));
        layers.ensure(chains.get(0), Digests.of(lower), lowerBlob);
        layers.ensure(chains.get(1), Digests.of(upper), upperBlob);
        Path container = root.resolve("containers/w1");
        Path merged = Rootfs.mount(container, List.of(layers.diff(chains.get(0)), layers.diff(chains.get(1))));
        try {
            assertThat(merged.resolve("etc/keep")).hasContent("k");
            assertThat(merged.resolve("etc/gone")).doesNotExist();
            assertThat(merged.resolve("var/new")).hasContent("n");
            assertThat(merged.resolve("var/old")).doesNotExist();
        } finally {
            Rootfs.remove(container);
        }
        assertThat(container).doesNotExist();
        assertThat(Leaks.mounts()).as("mounts under the test's root").noneMatch(m -> m.startsWith(root.toString()));
    }
}
