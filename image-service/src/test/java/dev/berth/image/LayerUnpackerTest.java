package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.berth.fixtures.LayerBuilder;
import dev.berth.host.BerthException;
import dev.berth.host.LibC;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    @TempDir
    Path tmp;
    Path layer;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        layer = tmp.resolve("layer");
        outside = tmp.resolve("outside");
        Files.createDirectories(outside);
    }

    private LayerUnpacker.Result unpack(byte[] data) throws Exception {
        return new LayerUnpacker(Posix.isRoot(), false).unpack(new ByteArrayInputStream(data), layer);
    }

    private void assertUnsafe(byte[] tar) {
        assertThatThrownBy(() -> unpack(tar))
                .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.getMessage()).contains("unsafe"));
    }

    @Test
    void unpack_plainTar_createsFilesAndReturnsDiffId() throws Exception {
        byte[] tar = new LayerBuilder().dir("etc", 0755).file("etc/hello", "hi", 0640).symlink("link", "etc/hello").tar();
        LayerUnpacker.Result result = unpack(tar);
        assertThat(result.diffId()).isEqualTo(Digests.of(tar));
        assertThat(result.entries()).isEqualTo(3);
        assertThat(layer.resolve("etc/hello")).hasContent("hi");
        assertThat(Files.readSymbolicLink(layer.resolve("link")).toString()).isEqualTo("etc/hello");
        assertThat(Files.getAttribute(layer.resolve("etc/hello"), "unix:mode")).isEqualTo(0100640);
        assertThat(Files.getLastModifiedTime(layer.resolve("etc")).toMillis()).isEqualTo(LayerBuilder.MTIME_MILLIS);
        assertThat(Files.getLastModifiedTime(layer.resolve("link"), LinkOption.NOFOLLOW_LINKS).toMillis())
                .isEqualTo(LayerBuilder.MTIME_MILLIS);
    }

    @Test
    void unpack_gzipAndZstd_sameDiffIdAsPlain() throws Exception {
        byte[] tar = new LayerBuilder().file("a", "x", 0644).tar();
        assertThat(unpack(gzip(tar)).diffId()).isEqualTo(Digests.of(tar));
        layer = tmp.resolve("layer2");
        assertThat(unpack(zstd(tar)).diffId()).isEqualTo(Digests.of(tar));
        assertThat(layer.resolve("a")).hasContent("x");
    }

    @Test
    void unpack_dotDotEntry_refusedAndNothingWrittenOutside() {
        assertUnsafe(new LayerBuilder().file("../outside/evil", "x", 0644).tar());
        assertUnsafe(new LayerBuilder().file("a/../../outside/evil", "x", 0644).tar());
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void unpack_absoluteName_staysUnderLayerRoot() throws Exception {
        String absolute = outside.resolve("abs").toString();
        unpack(new LayerBuilder().file(absolute, "x", 0644).tar());
        assertThat(outside.resolve("abs")).doesNotExist();
        assertThat(layer.resolve(absolute.substring(1))).hasContent("x");
    }

    @Test
    void unpack_writeThroughSymlinkToOutside_refused() {
        assertUnsafe(new LayerBuilder().symlink("escape", outside.toString()).file("escape/evil", "x", 0644).tar());
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void unpack_writeThroughRelativeSymlink_refused() {
        assertUnsafe(new LayerBuilder().dir("d", 0755).symlink("d/up", "../../outside")
                .file("d/up/evil", "x", 0644).tar());
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void unpack_fileReplacingSymlink_replacesLinkNotTarget() throws Exception {
        Path victim = outside.resolve("victim");
        Files.writeString(victim, "original");
        unpack(new LayerBuilder().symlink("f", victim.toString()).file("f", "new", 0644).tar());
        assertThat(victim).hasContent("original");
        assertThat(layer.resolve("f")).isRegularFile().hasContent("new");
    }

    @Test
    void unpack_hardlinkOutsideLayer_refused() throws Exception {
        Files.writeString(outside.resolve("secret"), "s");
        assertUnsafe(new LayerBuilder().hardlink("h", "../outside/secret").tar());
        assertThatThrownBy(() -> unpack(new LayerBuilder().hardlink("h2", outside.resolve("secret").toString()).tar()))
                .isInstanceOf(BerthException.class);
        assertThat(layer.resolve("h")).doesNotExist();
        assertThat(layer.resolve("h2")).doesNotExist();
    }

    @Test
    void unpack_hardlinkThroughSymlink_refused() throws Exception {
        Files.writeString(outside.resolve("secret"), "s");
        assertUnsafe(new LayerBuilder().symlink("s", outside.toString()).hardlink("h", "s/secret").tar());
        assertThat(layer.resolve("h")).doesNotExist();
    }

    @Test
    void unpack_hardlinkInsideLayer_sharesInode() throws Exception {
        unpack(new LayerBuilder().file("a", "data", 0644).hardlink("b", "a").tar());
        assertThat(Files.isSameFile(layer.resolve("a"), layer.resolve("b"))).isTrue();
    }

    @Test
    void unpack_whiteout_becomesCharDevice00() throws Exception {
        assumeTrue(Posix.isRoot(), "mknod needs root");
        unpack(new LayerBuilder().dir("etc", 0755).file("etc/.wh.passwd", "", 0644).tar());
        Path whiteout = layer.resolve("etc/passwd");
        Map<String, Object> attrs = Files.readAttributes(whiteout, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        assertThat(((Integer) attrs.get("mode")) & 0170000).isEqualTo(LibC.S_IFCHR);
        assertThat(attrs.get("rdev")).isEqualTo(0L);
        assertThat(layer.resolve("etc/.wh.passwd")).doesNotExist();
    }

    @Test
    void unpack_blockDevice_refusedNamingTheEntry() {
        byte[] tar = new LayerBuilder().dir("dev", 0755).device("dev/sda", true, 8, 0, 0666).tar();

        assertThatThrownBy(() -> unpack(tar)).isInstanceOfSatisfying(BerthException.FailedPrecondition.class, e -> {
            assertThat(e.getMessage()).contains("dev/sda").contains("block device (8:0)")
                    .contains("images.allow_device_nodes");
        });
    }

    @Test
    void unpack_characterDevice_refused() {
        byte[] tar = new LayerBuilder().device("mem", false, 1, 1, 0666).tar();

        assertThatThrownBy(() -> unpack(tar)).isInstanceOfSatisfying(BerthException.class,
                e -> assertThat(e.getMessage()).contains("mem is a character device (1:1)"));
    }

    @Test
    void unpack_devicesAllowed_createsThem() throws Exception {
        assumeTrue(Posix.isRoot(), "mknod needs root");
        byte[] tar = new LayerBuilder().device("null", false, 1, 3, 0666).tar();

        new LayerUnpacker(true, true).unpack(new ByteArrayInputStream(tar), layer);

        Map<String, Object> attrs = Files.readAttributes(layer.resolve("null"), "unix:mode,rdev",
                LinkOption.NOFOLLOW_LINKS);
        assertThat(((Integer) attrs.get("mode")) & 0170000).isEqualTo(LibC.S_IFCHR);
        assertThat(attrs.get("rdev")).isEqualTo(LibC.makedev(1, 3));
    }

    @Test
    void unpack_charDevice00AsWhiteout_accepted() throws Exception {
        assumeTrue(Posix.isRoot(), "mknod needs root");
        unpack(new LayerBuilder().device("gone", false, 0, 0, 0).tar());

        assertThat(Files.readAttributes(layer.resolve("gone"), "unix:rdev", LinkOption.NOFOLLOW_LINKS).get("rdev"))
                .isEqualTo(0L);
    }

    @Test
    void unpack_whiteoutDotDot_refused() {
        assertUnsafe(new LayerBuilder().file("etc/.wh..", "", 0644).tar());
    }

    @Test
    void unpack_opaqueMarker_setsOverlayOpaqueXattr() throws Exception {
        assumeTrue(Posix.isRoot(), "trusted xattrs need root");
        unpack(new LayerBuilder().dir("var", 0755).file("var/.wh..wh..opq", "", 0644).file("var/new", "n", 0644).tar());
        assertThat(Posix.lgetxattrString(layer.resolve("var"), Posix.OPAQUE_XATTR)).isEqualTo("y");
        assertThat(layer.resolve("var/.wh..wh..opq")).doesNotExist();
        assertThat(layer.resolve("var/new")).hasContent("n");
    }

    @Test
    void unpack_overlayXattrInHeaders_ignored() throws Exception {
        assumeTrue(Posix.isRoot(), "trusted xattrs need root");
        unpack(new LayerBuilder().xattr("f", "trusted.overlay.opaque", "y").xattr("g", "user.k", "v").tar());
        assertThat(Posix.lgetxattrString(layer.resolve("f"), Posix.OPAQUE_XATTR)).isNull();
        assertThat(Posix.lgetxattrString(layer.resolve("g"), "user.k")).isEqualTo("v");
    }

    @Test
    void unpack_ownershipAndSetuid_preserved() throws Exception {
        assumeTrue(Posix.isRoot(), "lchown needs root");
        unpack(new LayerBuilder().file("bin/su", "x", 04755, 1000, 1001).tar());
        Path su = layer.resolve("bin/su");
        assertThat(Files.getAttribute(su, "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(su, "unix:gid")).isEqualTo(1001);
        assertThat(((Integer) Files.getAttribute(su, "unix:mode")) & 07777).isEqualTo(04755);
    }

    @Test
    void unpack_directoryReplacedByFile_replaces() throws Exception {
        unpack(new LayerBuilder().dir("x", 0755).file("x/inner", "i", 0644).file("x", "file", 0644).tar());
        assertThat(layer.resolve("x")).isRegularFile().hasContent("file");
    }

    @Test
    void unpack_readOnlyDirectory_stillGetsItsChildrenAndMode() throws Exception {
        unpack(new LayerBuilder().dir("ro", 0555).file("ro/f", "f", 0444).tar());
        assertThat(layer.resolve("ro/f")).hasContent("f");
        assertThat(((Integer) Files.getAttribute(layer.resolve("ro"), "unix:mode")) & 07777).isEqualTo(0555);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
