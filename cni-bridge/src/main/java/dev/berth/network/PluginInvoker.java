package dev.berth.network;

import dev.berth.host.BerthException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs CNI plugins by the execution protocol: finds the executable in the bin dirs, passes the CNI_*
 * environment and the config on stdin, and turns a failure into a {@link BerthException} carrying the
 * plugin's CNI error. Immutable and thread-safe.
 */
class PluginInvoker {

    private static final Logger LOG = LoggerFactory.getLogger(PluginInvoker.class);
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final List<Path> binDirs;
    private final Duration deadline;
    private final Map<String, String> baseEnv;

    PluginInvoker(List<Path> binDirs, Duration deadline) {
        this.binDirs = List.copyOf(binDirs);
        this.deadline = deadline;
        this.baseEnv = baseEnvironment(System.getenv());
    }

    /** The executable for a plugin type, searching the bin dirs in order. */
    Optional<Path> find(String pluginType) {
        if (pluginType.isEmpty() || pluginType.contains("/") || pluginType.equals("..")) {
            return Optional.empty();
        }
        for (Path dir : binDirs) {
            Path candidate = dir.resolve(pluginType);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs the plugin and returns its stdout; throws {@link BerthException} on any failure. */
    String invoke(PluginCall call) {
        Path executable = find(call.pluginType()).orElseThrow(() -> BerthException.failedPrecondition(call.describe() + ": plugin '" + call.pluginType() + "' not found in " + binDirs));
        LOG.debug("running {}", call.describe());
        PluginProcess.Output out = PluginProcess.run(executable, environment(call), call.stdinJson(), deadline,
                call.describe());
        if (out.exitCode() != 0) {
            throw BerthException.failed(failureMessage(call, out));
        }
        return out.stdout();
    }

    Map<String, String> environment(PluginCall call) {
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put("CNI_COMMAND", call.command());
        env.put("CNI_CONTAINERID", call.containerId());
        env.put("CNI_NETNS", call.netns());
        env.put("CNI_IFNAME", call.ifName());
        env.put("CNI_ARGS", call.cniArgs());
        env.put("CNI_PATH", binDirs.stream().map(Path::toString).collect(Collectors.joining(":")));
        return env;
    }

    // Plugins run helpers such as iptables by PATH, so the runtime's environment is passed on, minus any
    // CNI_* variables that would confuse the protocol.
    static Map<String, String> baseEnvironment(Map<String, String> inherited) {
        Map<String, String> env = new HashMap<>();
        inherited.forEach((k, v) -> {
            if (!k.startsWith("CNI_")) {
                env.put(k, v);
            }
        });
        env.putIfAbsent("PATH", DEFAULT_PATH);
        return env;
    }

    static String failureMessage(PluginCall call, PluginProcess.Output out) {
        StringBuilder message = new StringBuilder(call.describe()).append(" failed (exit ")
                .append(out.exitCode()).append(')');
        String stdout = out.stdout().strip();
        ObjectNode error = null;
        if (!stdout.isEmpty()) {
            try {
                error = Json.parseObject(stdout);
            } catch (Exception e) {
                error = null;
            }
        }
        if (error != null && error.has("code")) {
            message.append(": CNI error ").append(error.path("code").asInt());
            appendField(message, error, "msg", ": ");
            appendField(message, error, "details", "; details: ");
        } else if (!stdout.isEmpty()) {
            message.append("; stdout: ").append(stdout);
        }
        message.append(PluginProcess.stderrSuffix(out.stderr()));
        return message.toString();
    }

    private static void appendField(StringBuilder message, ObjectNode error, String field, String prefix) {
        JsonNode value = error.get(field);
        if (value != null && !value.asText().isEmpty()) {
            message.append(prefix).append(value.asText());
        }
    }
}
