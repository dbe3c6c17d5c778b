package dev.berth.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.cri.v1.FilesystemUsage;
import dev.berth.cri.v1.ImageFsInfoRequest;
import dev.berth.cri.v1.ImageFsInfoResponse;
import dev.berth.image.FsUsage;
import dev.berth.server.fakes.Fakes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageFsInfoTest {

    private final Fakes fakes = Fakes.create();
    private final ImageFsInfo handler = new ImageFsInfo(fakes.services());

    @Test
    void handle_storeUsage_reportsOneFilesystemWithMountpointBytesInodesAndTime() {
        fakes.images().setUsage(new FsUsage(Path.of("/var/lib/berth/images"), 123_456_789L, 4_321, 1_700_000_000L));

        ImageFsInfoResponse response = handler.handle(ImageFsInfoRequest.getDefaultInstance());

        assertThat(response.getImageFilesystemsList()).hasSize(1);
        assertThat(response.getContainerFilesystemsList()).isEmpty();
        FilesystemUsage usage = response.getImageFilesystems(0);
        assertThat(usage.getFsId().getMountpoint()).isEqualTo("/var/lib/berth/images");
        assertThat(usage.getUsedBytes().getValue()).isEqualTo(123_456_789L);
        assertThat(usage.getInodesUsed().getValue()).isEqualTo(4_321);
        assertThat(usage.getTimestamp()).isEqualTo(1_700_000_000L);
    }

    @Test
    void handle_usageFails_errorSurfaces() {
        RuntimeException failure = new UncheckedIOException(new IOException("EACCES"));
        fakes.images().failOn("usage", failure);

        assertThat(catchThrowable(() -> handler.handle(ImageFsInfoRequest.getDefaultInstance()))).isSameAs(failure);
    }
}
