package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSettingsTest {
    @Test
    void constructor_noStallTimeout_usesDefault() {
        assertThat(new ImageSettings(Path.of("/x"), List.of()).stallTimeout())
                .isEqualTo(ImageSettings.DEFAULT_STALL_TIMEOUT);
        assertThat(new ImageSettings(Path.of("/x"), List.of(), false, null).stallTimeout())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void constructor_negativeStallTimeout_isRefused() {
        assertThatThrownBy(() -> new ImageSettings(Path.of("/x"), List.of(), false, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stallTimeout");
    }
}
