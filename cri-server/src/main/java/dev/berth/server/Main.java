package dev.berth.server;

import ch.qos.logback.classic.Level;
import dev.berth.server.config.BerthConfig;
import dev.berth.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code berth} command: runs the daemon, or prints its effective configuration. */
@Command(name = "berth", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Berth: a CRI container runtime for Kubernetes.",
        subcommands = {Main.ConfigCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Mixin
    private ConfigOptions options = new ConfigOptions();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Berth's error handling; {@code main} runs it. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigLoader.ConfigException) {
                cmd.getErr().println("berth: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        BerthConfig config = options.load();
        setLogLevel(config.logLevel());
        Daemon daemon = new Daemon(config);
        // SIGTERM and SIGINT run the shutdown hooks: stop serving, leave containers running.
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "berth-shutdown"));
        try {
            daemon.start();
        } catch (Exception e) {
            LoggerFactory.getLogger(Main.class).error("berth failed to start", e);
            daemon.close();
            return 1;
        }
        daemon.awaitStop();
        return 0;
    }

    private static void setLogLevel(String level) {
        var root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        // grpc-java and Netty are noisy at INFO (and warn about SO_KEEPALIVE on unix sockets).
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.grpc")).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.WARN);
    }

    /** Options that shape the configuration, shared by the daemon and {@code berth config}. */
    static final class ConfigOptions {
        @Option(scope = ScopeType.INHERIT,
                names = {"-c", "--config"}, paramLabel = "FILE",
                description = "Config file (default: ${DEFAULT-VALUE}); FILE.d/*.toml are read after it.")
        Path config = ConfigLoader.DEFAULT_FILE;

        @Option(scope = ScopeType.INHERIT,
                names = "--socket", paramLabel = "PATH", description = "The CRI unix socket.")
        String socket;

        @Option(scope = ScopeType.INHERIT,
                names = "--root", paramLabel = "DIR", description = "Persistent state directory.")
        String root;

        @Option(scope = ScopeType.INHERIT,
                names = "--state", paramLabel = "DIR", description = "Volatile state directory.")
        String state;

        @Option(scope = ScopeType.INHERIT,
                names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace.")
        String logLevel;

        @Option(scope = ScopeType.INHERIT,
                names = "--metrics-address", paramLabel = "HOST:PORT",
                description = "Where to serve Prometheus metrics; empty disables.")
        String metricsAddress;

        @Option(scope = ScopeType.INHERIT,
                names = "--cni-conf-dir", paramLabel = "DIR", description = "CNI network configs.")
        String cniConfDir;

        @Option(scope = ScopeType.INHERIT,
                names = "--set", paramLabel = "KEY=VALUE",
                description = "Override any config key, e.g. --set runtime.runc=/usr/bin/runc.")
        Map<String, String> extra = new LinkedHashMap<>();

        BerthConfig load() {
            Map<String, String> overrides = new LinkedHashMap<>(extra);
            put(overrides, "socket", socket);
            put(overrides, "root", root);
            put(overrides, "state", state);
            put(overrides, "log_level", logLevel);
            put(overrides, "metrics.address", metricsAddress);
            put(overrides, "cni.conf_dir", cniConfDir);
            return ConfigLoader.load(config, !config.equals(ConfigLoader.DEFAULT_FILE), overrides);
        }

        private static void put(Map<String, String> overrides, String key, String value) {
            if (value != null) {
                overrides.put(key, value);
            }
        }
    }

    /** {@code berth config}: prints the effective configuration as TOML. */
    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Print the effective configuration (defaults, file, drop-ins and flags merged).")
    static final class ConfigCommand implements Callable<Integer> {
        @CommandLine.ParentCommand
        private Main parent;

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ConfigLoader.render(parent.options.load()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** Reports the version recorded at build time. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"berth " + BuildInfo.version()};
        }
    }
}
