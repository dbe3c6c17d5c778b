package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProcessArgsTest {

    static Stream<Arguments> mergeCases() {
        List<String> e = List.of("/ep");
        List<String> cmd = List.of("c1");
        return Stream.of(
                // image entrypoint, image cmd, CRI command, CRI args, expected
                Arguments.of(e, cmd, List.of(), List.of(), List.of("/ep", "c1")),
                Arguments.of(e, cmd, List.of(), List.of("a1"), List.of("/ep", "a1")),
                Arguments.of(e, cmd, List.of("/bin/sh"), List.of(), List.of("/bin/sh")),
                Arguments.of(e, cmd, List.of("/bin/sh"), List.of("-c", "x"), List.of("/bin/sh", "-c", "x")),
                Arguments.of(List.of(), cmd, List.of(), List.of(), List.of("c1")),
                Arguments.of(List.of(), cmd, List.of(), List.of("a1"), List.of("a1")),
                Arguments.of(e, List.of(), List.of(), List.of(), List.of("/ep")));
    }

    @ParameterizedTest
    @MethodSource("mergeCases")
    void processArgs_criAndImageCombinations_followDockerRules(List<String> entrypoint, List<String> imageCmd,
                                                                List<String> command, List<String> args,
                                                                List<String> expected) {
        ImageSpec image = new ImageSpec(entrypoint, imageCmd, List.of(), "", "", "");
        var config = Fixtures.container().addAllCommand(command).addAllArgs(args).build();

        assertThat(OciSpecs.processArgs(config, image)).isEqualTo(expected);
    }

    @Test
    void processArgs_nothingAnywhere_invalidNamingCommand() {
        assertThatThrownBy(() -> OciSpecs.processArgs(Fixtures.container().build(), ImageSpec.empty()))
                .isInstanceOfSatisfying(BerthException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("command"))
                .hasMessageStartingWith("command is required");
    }

    static Stream<Arguments> executableFieldCases() {
        List<String> e = List.of("/ep");
        List<String> cmd = List.of("c1");
        return Stream.of(
                // image entrypoint, image cmd, CRI command, CRI args, the field argv[0] comes from
                Arguments.of(e, cmd, List.of("/bin/sh"), List.of("-c"), "command[0]"),
                Arguments.of(List.of(), cmd, List.of("/bin/sh"), List.of(), "command[0]"),
                Arguments.of(List.of(), cmd, List.of(), List.of("a1"), "args[0]"),
                Arguments.of(e, cmd, List.of(), List.of("a1"), "image.image"),
                Arguments.of(List.of(), cmd, List.of(), List.of(), "image.image"));
    }

    @ParameterizedTest
    @MethodSource("executableFieldCases")
    void executableField_whereArgvZeroComesFrom_namesThatField(List<String> entrypoint, List<String> imageCmd,
                                                               List<String> command, List<String> args,
                                                               String field) {
        ImageSpec image = new ImageSpec(entrypoint, imageCmd, List.of(), "", "", "");
        var config = Fixtures.container().addAllCommand(command).addAllArgs(args).build();

        assertThat(OciSpecs.executableField(config, image)).isEqualTo(field);
    }
}
