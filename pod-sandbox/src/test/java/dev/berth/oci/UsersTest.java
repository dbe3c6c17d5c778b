package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.cri.v1.Int64Value;
import dev.berth.cri.v1.LinuxContainerConfig;
import dev.berth.cri.v1.LinuxContainerSecurityContext;
import dev.berth.cri.v1.LinuxPodSandboxConfig;
import dev.berth.cri.v1.LinuxSandboxSecurityContext;
import dev.berth.cri.v1.PodSandboxConfig;
import dev.berth.cri.v1.SupplementalGroupsPolicy;
import dev.berth.host.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UsersTest {
    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            # a comment
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            app:x:1000:1001:App:/home/app:/bin/sh
            broken:x:notanumber:1::/:
            """;
    private static final String GROUP = """
            root:x:0:
            wheel:x:10:root,app
            appgrp:x:1001:
            video:x:44: app , other
            """;

    @TempDir
    Path tmp;
    Path rootfs;

    @BeforeEach
    void writeRootfs() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), PASSWD);
        Files.writeString(rootfs.resolve("etc/group"), GROUP);
    }

    private static ContainerConfig config(LinuxContainerSecurityContext.Builder sc) {
        return ContainerConfig.newBuilder().setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(sc)).build();
    }

    private static final ContainerConfig NONE = ContainerConfig.getDefaultInstance();

    static Stream<Arguments> imageUsers() {
        // image USER, uid, gid, additional gids, home
        return Stream.of(
                Arguments.of("", 0L, 0L, List.of(0L, 10L), "/root"),
                Arguments.of("app", 1000L, 1001L, List.of(1001L, 10L, 44L), "/home/app"),
                Arguments.of("1000", 1000L, 1001L, List.of(1001L, 10L, 44L), "/home/app"),
                Arguments.of("app:wheel", 1000L, 10L, List.of(10L, 44L), "/home/app"),
                Arguments.of("app:55", 1000L, 55L, List.of(55L, 10L, 44L), "/home/app"),
                Arguments.of("4242", 4242L, 0L, List.of(0L), "/"),
                Arguments.of("4242:4343", 4242L, 4343L, List.of(4343L), "/"),
                Arguments.of("daemon", 1L, 1L, List.of(1L), "/usr/sbin"));
    }

    @ParameterizedTest
    @MethodSource("imageUsers")
    void resolve_imageUserForms_resolvedFromRootfs(String user, long uid, long gid, List<Long> groups, String home) {
        UserSpec u = Users.resolve(rootfs, user, NONE);

        assertThat(u).isEqualTo(new UserSpec(uid, gid, groups, home));
    }

    @Test
    void resolve_runAsUser_overridesImageUser() {
        UserSpec u = Users.resolve(rootfs, "daemon", config(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))));

        assertThat(u.uid()).isEqualTo(1000);
        assertThat(u.gid()).isEqualTo(1001);
    }

    @Test
    void resolve_runAsUsernameAndGroup_groupOverridesPasswd() {
        UserSpec u = Users.resolve(rootfs, "", config(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUsername("app").setRunAsGroup(Int64Value.newBuilder().setValue(3000))));

        assertThat(u).isEqualTo(new UserSpec(1000, 3000, List.of(3000L, 10L, 44L), "/home/app"));
    }

    @Test
    void resolve_runAsGroupOverImageGroup_wins() {
        UserSpec u = Users.resolve(rootfs, "app:wheel", config(LinuxContainerSecurityContext.newBuilder()
                .setRunAsGroup(Int64Value.newBuilder().setValue(7))));

        assertThat(u.gid()).isEqualTo(7);
    }

    @Test
    void resolve_supplementalGroups_appendedWithoutDuplicates() {
        UserSpec u = Users.resolve(rootfs, "app", config(LinuxContainerSecurityContext.newBuilder()
                .addSupplementalGroups(44).addSupplementalGroups(5000)));

        assertThat(u.additionalGids()).containsExactly(1001L, 10L, 44L, 5000L);
    }

    @Test
    void resolve_strictPolicy_ignoresEtcGroup() {
        UserSpec u = Users.resolve(rootfs, "app", config(LinuxContainerSecurityContext.newBuilder()
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict).addSupplementalGroups(5000)));

        assertThat(u.additionalGids()).containsExactly(1001L, 5000L);
    }

    @Test
    void resolve_strictPolicyOfThePod_ignoresEtcGroupForItsContainers() {
        PodSandboxConfig strictPod = PodSandboxConfig.newBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict))).build();

        UserSpec u = Users.resolve(rootfs, "app", config(LinuxContainerSecurityContext.newBuilder()
                .addSupplementalGroups(5000)), strictPod);

        assertThat(u.additionalGids()).containsExactly(1001L, 5000L);
    }

    @Test
    void resolve_mergePolicyOfContainerAndPod_addsEtcGroup() {
        PodSandboxConfig mergePod = PodSandboxConfig.newBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Merge))).build();

        UserSpec u = Users.resolve(rootfs, "app", config(LinuxContainerSecurityContext.newBuilder()
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Merge).addSupplementalGroups(5000)), mergePod);

        assertThat(u.additionalGids()).containsExactly(1001L, 10L, 44L, 5000L);
    }

    @Test
    void resolve_strictPolicyWithRunAsGroup_primaryGroupAndRequestedOnly() {
        UserSpec u = Users.resolve(rootfs, "", config(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Int64Value.newBuilder().setValue(3000))
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict)
                .addSupplementalGroups(4000).addSupplementalGroups(3000)));

        assertThat(u.gid()).isEqualTo(3000);
        assertThat(u.additionalGids()).containsExactly(3000L, 4000L);
    }

    @Test
    void resolve_unknownImageUserName_throwsNamingIt() {
        assertThatThrownBy(() -> Users.resolve(rootfs, "nobody-here", NONE))
                .isInstanceOf(BerthException.InvalidArgument.class).hasMessageContaining("nobody-here");
    }

    @Test
    void resolve_unknownRunAsUsername_throwsNamingIt() {
        assertThatThrownBy(() -> Users.resolve(rootfs, "", config(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUsername("ghost"))))
                .isInstanceOf(BerthException.InvalidArgument.class).hasMessageContaining("ghost");
    }

    @Test
    void resolve_unknownGroupName_throwsNamingIt() {
        assertThatThrownBy(() -> Users.resolve(rootfs, "app:nogroup", NONE))
                .isInstanceOf(BerthException.InvalidArgument.class).hasMessageContaining("nogroup");
    }

    @Test
    void resolve_noEtcFiles_defaultsToRoot() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThat(Users.resolve(empty, "", NONE)).isEqualTo(new UserSpec(0, 0, List.of(0L), "/"));
    }

    @Test
    void resolve_passwdSymlinkedOutsideRootfs_notFollowed() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("passwd"), "evil:x:6666:6666::/evil:/bin/sh\n");
        Path etc = rootfs.resolve("etc");
        Files.delete(etc.resolve("passwd"));
        Files.createSymbolicLink(etc.resolve("passwd"), outside.resolve("passwd").toAbsolutePath());

        assertThatThrownBy(() -> Users.resolve(rootfs, "evil", NONE))
                .isInstanceOf(BerthException.InvalidArgument.class).hasMessageContaining("evil");
    }

    @Test
    void resolve_relativeSymlinkClimbingOut_staysInRootfs() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(outside.resolve("passwd"), "evil:x:6666:6666::/evil:/bin/sh\n");
        Path etc = rootfs.resolve("etc");
        Files.delete(etc.resolve("passwd"));
        // followed naively from <rootfs>/etc, ../../etc/passwd is tmp/etc/passwd on the host
        Files.createSymbolicLink(etc.resolve("passwd"), Path.of("../../etc/passwd"));

        assertThatThrownBy(() -> Users.resolve(rootfs, "evil", NONE)).isInstanceOf(BerthException.InvalidArgument.class);
    }

    @Test
    void resolve_absoluteSymlinkInsideRootfs_followedWithinRootfs() throws IOException {
        Path lib = Files.createDirectories(rootfs.resolve("usr/lib"));
        Files.move(rootfs.resolve("etc/passwd"), lib.resolve("passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/usr/lib/passwd"));

        assertThat(Users.resolve(rootfs, "app", NONE).uid()).isEqualTo(1000);
    }

    @Test
    void resolve_symlinkLoop_treatedAsMissing() throws IOException {
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("passwd"));

        assertThat(Users.resolve(rootfs, "1000", NONE)).isEqualTo(new UserSpec(1000, 0, List.of(0L), "/"));
    }
}
