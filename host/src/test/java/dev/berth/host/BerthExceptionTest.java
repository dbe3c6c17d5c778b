package dev.berth.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BerthExceptionTest {

    @Test
    void under_knownField_prefixesFieldAndMessageAndKeepsTheCause() {
        BerthException.InvalidArgument e = BerthException.invalid("mounts[0].host_path", "must be absolute");

        BerthException.InvalidArgument rooted = e.under("config");

        assertThat(rooted.field()).isEqualTo("config.mounts[0].host_path");
        assertThat(rooted.getMessage()).isEqualTo("config.mounts[0].host_path must be absolute");
        assertThat(rooted.getCause()).isSameAs(e);
    }

    @Test
    void under_unknownField_unchanged() {
        BerthException.InvalidArgument e = BerthException.invalidArgument("something is wrong");

        assertThat(e.under("config")).isSameAs(e);
    }
}
