package dev.berth.sandbox;

import dev.berth.cgroups.Cgroups;
import dev.berth.cgroups.ResourceUsage;
import dev.berth.host.Captured;
import dev.berth.host.CommandResult;
import dev.berth.host.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Recording fakes of the process runner and the cgroups that PodRuntime drives, sharing one call log so tests
 * can check the order of what was done and undone. Thread-safe by their monitors.
 */
final class RecordingHost {

    final List<String> calls = new ArrayList<>();
    final Set<String> cgroups = new TreeSet<>();

    final CommandRunner runner = new CommandRunner() {
        @Override
        public CommandResult run(List<String> argv, byte[] stdin, Duration timeout, Path workDir) {
            synchronized (RecordingHost.this) {
                calls.add(String.join(" ", argv));
            }
            return new CommandResult(0, "", "");
        }

        @Override
        public Captured capture(List<String> argv, Duration timeout, int maxOutputBytes, Runnable onTimeout) {
            throw new UnsupportedOperationException(String.join(" ", argv));
        }

        @Override
        public Captured capture(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout,
                                int maxOutputBytes) {
            throw new UnsupportedOperationException(String.join(" ", argv));
        }

        @Override
        public Process start(List<String> argv, Path workDir) {
            throw new UnsupportedOperationException(String.join(" ", argv));
        }
    };

    final Cgroups cgroupFs = new Cgroups() {
        @Override
        public void create(String path) {
            synchronized (RecordingHost.this) {
                calls.add("cgroup create " + path);
                cgroups.add(path);
            }
        }

        @Override
        public void remove(String path) {
            synchronized (RecordingHost.this) {
                calls.add("cgroup remove " + path);
                cgroups.remove(path);
            }
        }

        @Override
        public Set<String> children(String path) {
            synchronized (RecordingHost.this) {
                Set<String> out = new TreeSet<>();
                for (String c : cgroups) {
                    if (c.startsWith(path + "/") && c.indexOf('/', path.length() + 1) < 0) {
                        out.add(c.substring(path.length() + 1));
                    }
                }
                return out;
            }
        }

        @Override
        public boolean exists(String path) {
            synchronized (RecordingHost.this) {
                return cgroups.contains(path);
            }
        }

        @Override
        public Optional<ResourceUsage> usage(String path) {
            return Optional.empty();
        }
    };
}
