package dev.berth.sandbox;

import dev.berth.host.Captured;
import dev.berth.host.CommandException;
import dev.berth.runc.ContainerNotRunningException;
import dev.berth.runc.ExitStatus;
import dev.berth.runc.OciRuntime;
import dev.berth.runc.RuncState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link OciRuntime} that keeps containers as entries in a map and records every call, for unit tests of the
 * logic above runc. A container created here "runs" until a signal it obeys ends it: SIGKILL always, the stop
 * signal only when {@link #ignoreStopSignal} is false. Thread-safe by its monitor.
 */
final class RecordingOciRuntime implements OciRuntime {

    final List<String> calls = new ArrayList<>();
    private final Map<String, String> status = new HashMap<>();
    private final Map<String, ExitStatus> exits = new HashMap<>();
    private final Map<String, RuntimeException> failures = new HashMap<>();
    boolean ignoreStopSignal;
    /** What {@link #features} answers: the JSON of {@code runc features}, or null as for a runc without it. */
    volatile String featuresJson;
    private long pid = 1000;

    /** The next call of {@code method} throws {@code failure}. */
    synchronized void failOn(String method, RuntimeException failure) {
        failures.put(method, failure);
    }

    /** A container runc knows as running although nothing here created it (found by recovery). */
    synchronized void running(String id) {
        status.put(id, "running");
    }

    private void record(String call) {
        calls.add(call);
        RuntimeException failure = failures.remove(call.substring(0, call.indexOf(' ') < 0 ? call.length()
                : call.indexOf(' ')));
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Path attachSocket(String id) {
        return Path.of("/nonexistent", id, "attach");
    }

    @Override
    public synchronized long create(Launch launch) {
        record("create " + launch.id());
        status.put(launch.id(), "created");
        return ++pid;
    }

    @Override
    public synchronized void start(String id) {
        record("start " + id);
        status.put(id, "running");
    }

    @Override
    public synchronized void kill(String id, String signal) {
        record("kill " + id + " " + signal);
        if (!"running".equals(status.get(id)) && !"created".equals(status.get(id))) {
            throw new ContainerNotRunningException(new CommandException(List.of("runc", "kill", id), 1,
                    "container not running"));
        }
        if (signal.equals("KILL") || signal.equals("SIGKILL") || !ignoreStopSignal) {
            status.put(id, "stopped");
            exits.put(id, new ExitStatus(signal.contains("KILL") ? 137 : 143, 1));
        }
    }

    @Override
    public synchronized void update(String id, Path resourcesJson) {
        record("update " + id);
    }

    @Override
    public Captured exec(String id, Path processSpec, Duration timeout, int maxOutputBytes) {
        throw new UnsupportedOperationException("exec");
    }

    @Override
    public Process startExec(String id, Path processSpec, Path pidFile) {
        throw new UnsupportedOperationException("startExec");
    }

    @Override
    public TerminalExec startExecWithTerminal(String id, Path processSpec, Path dir) {
        throw new UnsupportedOperationException("startExecWithTerminal");
    }

    @Override
    public void reopenLog(String id, Path bundle) {
        throw new UnsupportedOperationException("reopenLog");
    }

    @Override
    public synchronized void resizeTerminal(String id, Path bundle, int width, int height) {
        record("resize " + id + " " + width + "x" + height);
    }

    @Override
    public synchronized void delete(String id) {
        record("delete " + id);
        status.remove(id);
    }

    @Override
    public synchronized Optional<RuncState> state(String id) {
        return Optional.ofNullable(status.get(id)).map(s -> new RuncState(id, s, 1));
    }

    @Override
    public synchronized Optional<ExitStatus> exitStatus(String id) {
        return Optional.ofNullable(exits.get(id));
    }

    @Override
    public synchronized boolean monitorAlive(String id, Path bundle) {
        return status.containsKey(id) && !"stopped".equals(status.get(id));
    }

    @Override
    public synchronized void forget(String id) {
        exits.remove(id);
    }

    @Override
    public Optional<String> features() {
        return Optional.ofNullable(featuresJson);
    }
}
