package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.host.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginInvokerTest {

    @TempDir
    Path tmp;

    private PluginCall call(String type) {
        return new PluginCall("ADD", type, "c1", "/run/netns/x", "eth0", "IgnoreUnknown=1", "{\"a\":1}");
    }

    @Test
    void baseEnvironment_inheritedCniVarsDroppedAndPathDefaulted() {
        Map<String, String> env = PluginInvoker.baseEnvironment(Map.of("CNI_COMMAND", "DEL", "HOME", "/root"));

        assertThat(env).doesNotContainKey("CNI_COMMAND").containsEntry("HOME", "/root").containsKey("PATH");
    }

    @Test
    void find_typeWithSlashOrUnknown_empty() throws IOException {
        FakePlugins plugins = new FakePlugins(tmp).succeeding("ok", "{}");
        PluginInvoker invoker = new PluginInvoker(List.of(plugins.binDir), Duration.ofSeconds(5));

        assertThat(invoker.find("../bin/ok")).isEmpty();
        assertThat(invoker.find("missing")).isEmpty();
        assertThat(invoker.find("ok")).contains(plugins.binDir.resolve("ok"));
    }

    @Test
    void find_sameTypeInTwoDirs_firstDirWins() throws IOException {
        FakePlugins a = new FakePlugins(tmp.resolve("a")).succeeding("p", "{}");
        FakePlugins b = new FakePlugins(tmp.resolve("b")).succeeding("p", "{}");
        PluginInvoker invoker = new PluginInvoker(List.of(b.binDir, a.binDir), Duration.ofSeconds(5));

        assertThat(invoker.find("p")).contains(b.binDir.resolve("p"));
    }

    @Test
    void invoke_missingPlugin_notReady() {
        PluginInvoker invoker = new PluginInvoker(List.of(tmp), Duration.ofSeconds(5));

        assertThatThrownBy(() -> invoker.invoke(call("nothere")))
                .isInstanceOf(BerthException.FailedPrecondition.class);
    }

    @Test
    void invoke_success_returnsStdoutAndPassesStdin() throws IOException {
        FakePlugins plugins = new FakePlugins(tmp).succeeding("ok", "{\"cniVersion\":\"1.0.0\"}");
        PluginInvoker invoker = new PluginInvoker(List.of(plugins.binDir), Duration.ofSeconds(10));

        String out = invoker.invoke(call("ok"));

        assertThat(out.strip()).isEqualTo("{\"cniVersion\":\"1.0.0\"}");
        assertThat(plugins.stdin("ok", "ADD")).isEqualTo("{\"a\":1}");
    }

    @Test
    void invoke_pluginWithoutJsonError_reportsStdoutAndStderr() throws IOException {
        FakePlugins plugins = new FakePlugins(tmp).write("bad", "echo not-json; echo oops >&2; exit 3", "", "");
        PluginInvoker invoker = new PluginInvoker(List.of(plugins.binDir), Duration.ofSeconds(10));

        assertThatThrownBy(() -> invoker.invoke(call("bad")))
                .hasMessageContaining("exit 3").hasMessageContaining("stdout: not-json")
                .hasMessageContaining("stderr: oops");
    }

    @Test
    void invoke_pluginHangs_killedAtDeadline() throws IOException {
        FakePlugins plugins = new FakePlugins(tmp).write("slow", "exec sleep 30", "", "");
        PluginInvoker invoker = new PluginInvoker(List.of(plugins.binDir), Duration.ofMillis(500));
        long start = System.nanoTime();

        assertThatThrownBy(() -> invoker.invoke(call("slow")))
                .isInstanceOf(BerthException.Failed.class)
                .hasMessageContaining("did not finish");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void invoke_nonExecutableFileInFirstDir_skipped() throws IOException {
        Path first = Files.createDirectories(tmp.resolve("first"));
        Files.writeString(first.resolve("p"), "not executable");
        FakePlugins plugins = new FakePlugins(tmp.resolve("second")).succeeding("p", "{}");
        PluginInvoker invoker = new PluginInvoker(List.of(first, plugins.binDir), Duration.ofSeconds(5));

        assertThat(invoker.find("p")).contains(plugins.binDir.resolve("p"));
    }
}
