package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NameRegistryTest {

    private final NameRegistry names = new NameRegistry();

    @Test
    void reserve_nameHeldByOtherId_throwsNamingHolder() {
        names.reserve("web_default_uid_0", "id1");

        assertThatThrownBy(() -> names.reserve("web_default_uid_0", "id2"))
                .isInstanceOf(NameRegistry.NameTakenException.class)
                .hasMessageContaining("id1");
    }

    @Test
    void reserve_sameIdTwice_succeeds() {
        names.reserve("n", "id1");
        names.reserve("n", "id1");

        assertThat(names.holder("n")).contains("id1");
    }

    @Test
    void release_byHolder_freesName() {
        names.reserve("n", "id1");

        names.release("n", "id1");
        names.reserve("n", "id2");

        assertThat(names.holder("n")).contains("id2");
    }

    @Test
    void release_byOtherId_keepsReservation() {
        names.reserve("n", "id1");

        names.release("n", "id2");

        assertThat(names.holder("n")).contains("id1");
    }
}
