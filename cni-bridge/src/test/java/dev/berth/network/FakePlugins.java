package dev.berth.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes fake CNI plugins (shell scripts) into a bin dir. Each records its invocation order in
 * {@code calls.log}, its last stdin per command in {@code <type>-<CMD>.json} and its CNI_* environment in
 * {@code <type>-<CMD>.env}, then prints a canned result or fails.
 */
final class FakePlugins {

    static final String RESULT_1_0 = """
            {"cniVersion":"1.0.0",
             "interfaces":[{"name":"cni0","mac":"aa:bb:cc:dd:ee:01"},
                           {"name":"veth1","mac":"aa:bb:cc:dd:ee:02"},
                           {"name":"eth0","mac":"aa:bb:cc:dd:ee:03","sandbox":"/run/netns/x"}],
             "ips":[{"address":"fd00::5/64","interface":2},
                    {"address":"10.88.0.1/16","interface":0},
                    {"address":"10.88.0.5/16","gateway":"10.88.0.1","interface":2}]}""";

    final Path binDir;
    final Path logDir;

    FakePlugins(Path root) throws IOException {
        this.binDir = Files.createDirectories(root.resolve("bin"));
        this.logDir = Files.createDirectories(root.resolve("log"));
    }

    /** A plugin that prints {@code addResult} on ADD and succeeds on DEL and CHECK. */
    FakePlugins succeeding(String type, String addResult) throws IOException {
        return write(type, "cat <<'EOF_RESULT'\n" + addResult + "\nEOF_RESULT\n", "exit 0", "exit 0");
    }

    /** A plugin that fails ADD with a CNI error and succeeds otherwise. */
    FakePlugins failingAdd(String type) throws IOException {
        return write(type, errorBody(7, "boom on add"), "exit 0", "exit 0");
    }

    FakePlugins failingDel(String type, String addResult) throws IOException {
        return write(type, "cat <<'EOF_RESULT'\n" + addResult + "\nEOF_RESULT\n", errorBody(11, "boom on del"),
                "exit 0");
    }

    FakePlugins failingCheck(String type, String addResult) throws IOException {
        return write(type, "cat <<'EOF_RESULT'\n" + addResult + "\nEOF_RESULT\n", "exit 0",
                errorBody(4, "boom on check"));
    }

    FakePlugins write(String type, String addBody, String delBody, String checkBody) throws IOException {
        String script = "#!/bin/sh\n"
                + "LOG='" + logDir + "'\n"
                + "input=$(cat)\n"
                + "echo \"" + type + " $CNI_COMMAND $CNI_IFNAME\" >> \"$LOG/calls.log\"\n"
                + "printf '%s' \"$input\" > \"$LOG/" + type + "-$CNI_COMMAND.json\"\n"
                + "env | grep '^CNI_' | sort > \"$LOG/" + type + "-$CNI_COMMAND.env\"\n"
                + "case \"$CNI_COMMAND\" in\n"
                + "ADD)\n" + addBody + "\n;;\n"
                + "DEL)\n" + delBody + "\n;;\n"
                + "CHECK)\n" + checkBody + "\n;;\n"
                + "esac\n";
        Path file = binDir.resolve(type);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    static String errorBody(int code, String msg) {
        return "echo '{\"cniVersion\":\"1.0.0\",\"code\":" + code + ",\"msg\":\"" + msg
                + "\",\"details\":\"some details\"}'\necho 'plugin stderr text' >&2\nexit 1";
    }

    List<String> calls() throws IOException {
        Path log = logDir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    String stdin(String type, String command) throws IOException {
        return Files.readString(logDir.resolve(type + "-" + command + ".json"));
    }

    String env(String type, String command) throws IOException {
        return Files.readString(logDir.resolve(type + "-" + command + ".env"));
    }

    void clearCalls() throws IOException {
        Files.deleteIfExists(logDir.resolve("calls.log"));
    }
}
