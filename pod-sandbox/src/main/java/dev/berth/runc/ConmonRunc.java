package dev.berth.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.host.Captured;
import dev.berth.host.BerthException;
import dev.berth.host.CommandException;
import dev.berth.host.CommandResult;
import dev.berth.host.CommandRunner;
import dev.berth.host.Json;
import dev.berth.host.Poller;
import dev.berth.host.PrivateFiles;
import dev.berth.host.ProcessTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OciRuntime} backed by conmon (one per container, outliving Berth) running runc. Thread-safe.
 *
 * <p>conmon is started without a sync pipe, so its parent returns before runc has created the container; creation
 * is confirmed by runc's pid file appearing, and failure by conmon exiting first, in which case runc's own log
 * (written with {@code --log} into the bundle) explains why.
 */
public final class ConmonRunc implements OciRuntime {

    private static final Logger log = LoggerFactory.getLogger(ConmonRunc.class);
    private static final Duration RUNC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
    /** runc 1.2 prints about 5 KiB of features. */
    private static final int FEATURES_MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Message types of conmon's ctl fifo. */
    private static final int WINDOW_RESIZE = 1;
    private static final int REOPEN_LOG = 2;

    /** Where runc keeps its state when given no {@code --root}; containers of earlier Berth versions live there. */
    static final Path LEGACY_RUNC_ROOT = Path.of("/run/runc");

    private final CommandRunner runner;
    private final Path runc;
    private final Path runcRoot;
    private final Path conmon;
    private final Path exitDir;
    private final Path socketDir;

    /**
     * @param runcRoot runc's state directory for Berth's containers ({@code runc --root}), so that other runtimes
     *                 and other Berth instances on the node never see them
     */
    public ConmonRunc(CommandRunner runner, Path runc, Path runcRoot, Path conmon, Path exitDir, Path socketDir) {
        this.runner = runner;
        this.runc = runc;
        this.runcRoot = runcRoot;
        this.conmon = conmon;
        this.exitDir = exitDir;
        this.socketDir = socketDir;
    }

    /**
     * runc's root for the container: Berth's own, unless the container was created by an earlier version of Berth
     * under runc's default root and still exists there.
     */
    Path rootOf(String id) {
        if (!Files.isDirectory(runcRoot.resolve(id)) && Files.isDirectory(LEGACY_RUNC_ROOT.resolve(id))) {
            return LEGACY_RUNC_ROOT;
        }
        return runcRoot;
    }

    /** The argv of a runc command about container {@code id}: runc, its root, then {@code args}. */
    private List<String> runcArgv(String id, List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 3);
        argv.add(runc.toString());
        argv.add("--root");
        argv.add(rootOf(id).toString());
        argv.addAll(args);
        return argv;
    }

    static Path pidFile(Path bundle) {
        return bundle.resolve("pidfile");
    }

    static Path conmonPidFile(Path bundle) {
        return bundle.resolve("conmon.pid");
    }

    static Path runcLog(Path bundle) {
        return bundle.resolve("runc.log");
    }

    List<String> conmonArgs(Launch l) {
        List<String> argv = new ArrayList<>(List.of(conmon.toString(), "--api-version", "1",
                "-c", l.id(), "-u", l.id(), "-n", l.name(), "-r", runc.toString(),
                "--runtime-arg", "--root=" + runcRoot,
                "--runtime-arg", "--log=" + runcLog(l.bundle()), "--runtime-arg", "--log-format=json",
                "-b", l.bundle().toString(), "-p", pidFile(l.bundle()).toString(),
                "--exit-dir", exitDir.toString(), "-l", "k8s-file:" + l.logPath(),
                "--socket-dir-path", socketDir.toString(), "--conmon-pidfile", conmonPidFile(l.bundle()).toString(),
                "--log-level", log.isDebugEnabled() ? "debug" : "info"));
        if (l.terminal()) {
            argv.add("--terminal");
        }
        if (l.stdin()) {
            argv.add("--stdin");
            if (l.leaveStdinOpen()) {
                argv.add("--leave-stdin-open");
            }
        }
        return argv;
    }

    @Override
    public long create(Launch l) {
        PrivateFiles.createDirectories(runcRoot);
        PrivateFiles.createDirectories(exitDir);
        PrivateFiles.createDirectories(socketDir);
        try {
            Files.createDirectories(l.logPath().getParent());
        } catch (IOException e) {
            // the pod's log directory, which kubelet made: something on the host took its place since
            throw BerthException.failedPrecondition("the log directory " + l.logPath().getParent()
                    + " cannot be made: " + e, e);
        }
        List<String> argv = conmonArgs(l);
        // conmon writes its "oom" marker into its working directory when the container is OOM-killed;
        // running it in the bundle puts the marker where the status refresh looks for it.
        runner.run(argv, null, RUNC_TIMEOUT, l.bundle());
        long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
        Poller poller = new Poller();
        while (true) {
            Optional<Long> pid = readPid(pidFile(l.bundle()));
            if (pid.isPresent()) {
                return pid.get();
            }
            if (monitorGone(l, deadline) && readPid(pidFile(l.bundle())).isEmpty()) {
                throw RuncErrors.classifyCreate(new CommandException(argv, 1, runcError(l.bundle()),
                        "container creation failed", null));
            }
            if (System.nanoTime() > deadline) {
                throw new CommandException(argv, -1, runcError(l.bundle()), "container not created within "
                        + CREATE_TIMEOUT, null);
            }
            poller.pause();
        }
    }

    private boolean monitorGone(Launch l, long deadline) {
        Optional<Long> pid = readPid(conmonPidFile(l.bundle()));
        if (pid.isEmpty()) {
            // conmon writes its pid file just before its parent returns; allow a little slack all the same
            return deadline - System.nanoTime() < CREATE_TIMEOUT.toNanos() - Duration.ofSeconds(5).toNanos();
        }
        return !Procs.alive(pid.get(), l.id());
    }

    /** The last error runc logged in the bundle, or "" when there is none. */
    static String runcError(Path bundle) {
        try {
            return lastError(Files.readAllLines(runcLog(bundle), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    /** The message of the last error in runc's JSON log lines (a line that is not JSON counts as one). */
    static String lastError(List<String> lines) {
        String last = "";
        for (String line : lines) {
            try {
                JsonNode n = JSON.readTree(line);
                if ("error".equals(n.path("level").asText()) || "fatal".equals(n.path("level").asText())) {
                    last = n.path("msg").asText();
                }
            } catch (IOException notJson) {
                last = line;
            }
        }
        return last;
    }

    @Override
    public Optional<String> features() {
        Captured out;
        try {
            out = runner.capture(List.of(runc.toString(), "features"), RUNC_TIMEOUT, FEATURES_MAX_BYTES);
        } catch (CommandException e) {
            log.warn("cannot ask {} for its features: {}", runc, e.getMessage());
            return Optional.empty();
        }
        if (out.timedOut() || out.exitCode() != 0) {
            // runc before 1.1 answers "No help topic for 'features'" and exits 1
            log.info("{} does not tell its features (exit {}: {}): no optional feature is advertised", runc,
                    out.exitCode(), new String(out.stderr(), StandardCharsets.UTF_8).strip());
            return Optional.empty();
        }
        return Optional.of(new String(out.stdout(), StandardCharsets.UTF_8));
    }

    @Override
    public Path attachSocket(String id) {
        return socketDir.resolve(id).resolve("attach");
    }

    @Override
    public void start(String id) {
        runc(id, List.of("start", id));
    }

    @Override
    public Captured exec(String id, Path processSpec, Duration timeout, int maxOutputBytes) {
        Path pidFile = processSpec.resolveSibling(processSpec.getFileName() + ".pid");
        try {
            // At the timeout the command and whatever it started are killed while runc still waits for it, so
            // runc reaps it at once and exits; killing runc instead would leave the command running.
            Runnable killCommand = () -> readPid(pidFile).ifPresent(ProcessTree::kill);
            Captured result = runner.capture(runcArgv(id, List.of("exec", "--process", processSpec.toString(),
                    "--pid-file", pidFile.toString(), id)), timeout, maxOutputBytes, killCommand);
            if (result.timedOut()) {
                // runc may have started the command only after the timeout fired
                killCommand.run();
            }
            return result;
        } finally {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // the bundle goes with the container
            }
        }
    }

    @Override
    public Process startExec(String id, Path processSpec, Path pidFile) {
        return runner.start(runcArgv(id, List.of("exec", "--process", processSpec.toString(),
                "--pid-file", pidFile.toString(), id)), null);
    }

    /**
     * runc in the foreground relays a terminal only to a terminal of its own on the host, whose output
     * processing it keeps on while it clears ONLCR on the container's terminal, from another thread, after the
     * process may already have written: such lines reached the client as "\r\r\n". So conmon runs
     * {@code runc exec --detach}, receives the container's terminal through the console socket as the kernel
     * made it, and relays its bytes unchanged, as containerd's shim and Podman's conmon do.
     */
    @Override
    public TerminalExec startExecWithTerminal(String id, Path processSpec, Path dir) {
        return ConmonExec.start(runner, conmonExecArgs(id, processSpec, dir), dir);
    }

    /**
     * The command line of an exec's conmon. It stays Berth's child ({@code --sync}) and writes no exit file: the
     * exit dir is the containers', whose files are named by container id. {@code --full-attach} puts the
     * attach socket in {@code dir} rather than a link to it in the socket dir.
     */
    List<String> conmonExecArgs(String id, Path processSpec, Path dir) {
        return List.of(conmon.toString(), "--api-version", "1", "--sync",
                "--exec", "--exec-attach", "--exec-process-spec", processSpec.toString(), "--terminal",
                "-c", id, "-u", dir.getFileName().toString(), "-r", runc.toString(),
                "--runtime-arg", "--root=" + rootOf(id), "--runtime-arg", "--log-format=json",
                "-b", dir.toString(), "-p", dir.resolve("pid").toString(), "-l", "none", "--full-attach");
    }

    @Override
    public void reopenLog(String id, Path bundle) {
        control(id, bundle, REOPEN_LOG + " 0 0\n");
    }

    @Override
    public void resizeTerminal(String id, Path bundle, int width, int height) {
        control(id, bundle, resizeMessage(width, height));
    }

    /** The ctl line that has conmon set its terminal's size (TIOCSWINSZ on the master it holds). */
    static String resizeMessage(int width, int height) {
        return WINDOW_RESIZE + " " + height + " " + width + "\n";
    }

    /**
     * Writes one "{@code <type> <height> <width>}" line to the ctl fifo conmon reads in the bundle. conmon keeps
     * the fifo open while it lives, so the write does not wait for a reader; without a live monitor the open
     * would block, hence the check first.
     */
    private void control(String id, Path bundle, String line) {
        if (!monitorAlive(id, bundle)) {
            throw new IllegalStateException("the monitor of container " + id + " is not running");
        }
        try {
            Files.writeString(bundle.resolve("ctl"), line, StandardCharsets.US_ASCII,
                    java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the monitor of container " + id, e);
        }
    }

    @Override
    public void update(String id, Path resourcesJson) {
        runc(id, List.of("update", "--resources", resourcesJson.toString(), id));
    }

    @Override
    public void kill(String id, String signal) {
        runc(id, List.of("kill", id, signal));
    }

    @Override
    public void delete(String id) {
        try {
            runc(id, List.of("delete", "--force", id));
        } catch (ContainerNotFoundException e) {
            log.debug("runc delete {}: already gone", id);
        }
    }

    @Override
    public Optional<RuncState> state(String id) {
        try {
            CommandResult r = runc(id, List.of("state", id));
            return Optional.of(parseState(r.stdout()));
        } catch (ContainerNotFoundException e) {
            return Optional.empty();
        }
    }

    static RuncState parseState(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new RuncState(n.path("id").asText(), n.path("status").asText(), n.path("pid").asLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<ExitStatus> exitStatus(String id) {
        return ExitFiles.read(exitDir.resolve(id));
    }

    @Override
    public boolean monitorAlive(String id, Path bundle) {
        Optional<Long> pid = readPid(conmonPidFile(bundle));
        return pid.isPresent() && Procs.alive(pid.get(), id);
    }

    @Override
    public void forget(String id) {
        try {
            Files.deleteIfExists(exitDir.resolve(id));
            Files.deleteIfExists(socketDir.resolve(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CommandResult runc(String id, List<String> args) {
        List<String> argv = runcArgv(id, args);
        try {
            return runner.run(argv, RUNC_TIMEOUT);
        } catch (CommandException e) {
            throw RuncErrors.classify(e);
        }
    }

    static Optional<Long> readPid(Path file) {
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            return t.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(t));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
