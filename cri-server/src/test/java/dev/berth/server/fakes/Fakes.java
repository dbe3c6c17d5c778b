package dev.berth.server.fakes;

import dev.berth.server.Services;
import dev.berth.server.config.BerthConfig;
import dev.berth.server.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * The three fakes sharing one {@link CallLog}, and the {@link Services} that hands them to handlers with the
 * built-in default configuration (runtime handler "runc", cgroupfs) plus any overrides. Create one per test.
 *
 * @param log every call made on the three fakes, in order
 */
public record Fakes(CallLog log, FakeSandboxRuntime runtime, FakePodNetworks network, FakeImages images,
                    Services services) {

    /** Fakes with the default configuration. */
    public static Fakes create() {
        return create(Map.of());
    }

    /** Fakes with the default configuration overridden by dotted keys, e.g. {@code runtime.cgroup_driver}. */
    public static Fakes create(Map<String, String> configOverrides) {
        // No file is read: the path only names where one would be.
        BerthConfig config = ConfigLoader.load(Path.of("/nonexistent/berth-unit-test.toml"), false, configOverrides);
        CallLog log = new CallLog();
        FakeSandboxRuntime runtime = new FakeSandboxRuntime(log);
        FakePodNetworks network = new FakePodNetworks(log);
        FakeImages images = new FakeImages(log);
        return new Fakes(log, runtime, network, images, new Services(config, runtime, network, images));
    }
}
