package dev.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void parse_named_takesTheName() {
        try (Target target = Target.parse("containerd=unix:///tmp/x/containerd.sock", 42, "run")) {
            assertThat(target.name).isEqualTo("containerd");
            assertThat(target.endpoint).isEqualTo("unix:///tmp/x/containerd.sock");
            assertThat(target.daemonPid).isEqualTo(42);
        }
    }

    @Test
    void parse_unnamed_isNamedAfterTheSocketFile() {
        try (Target target = Target.parse("unix:///run/berth/berth.sock", 0, "run")) {
            assertThat(target.name).isEqualTo("berth");
            assertThat(target.endpoint).isEqualTo("unix:///run/berth/berth.sock");
        }
    }
}
