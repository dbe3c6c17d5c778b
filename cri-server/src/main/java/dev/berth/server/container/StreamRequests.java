package dev.berth.server.container;

import dev.berth.host.BerthException;
import dev.berth.sandbox.ContainerInfo;
import dev.berth.sandbox.ContainerState;
import dev.berth.server.Ids;
import dev.berth.server.Services;
import dev.berth.server.streaming.StreamUrls;

/** The checks Exec and Attach share before they hand out a streaming URL. Stateless. */
final class StreamRequests {

    private StreamRequests() {
    }

    /** At least one stream is wanted, and a terminal (which has one output stream) comes without stderr. */
    static void checkStreams(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        if (!stdin && !stdout && !stderr) {
            throw BerthException.invalid("stdout", "must be true when stdin and stderr are false: the call needs"
                    + " at least one stream");
        }
        if (tty && stderr) {
            throw BerthException.invalid("stderr", "must be false with tty: a terminal has one output stream");
        }
    }

    /** The running container an id or prefix names: NOT_FOUND, or FAILED_PRECONDITION when it does not run. */
    static ContainerInfo runningContainer(Services services, String idOrPrefix) {
        ContainerInfo container = Ids.requireContainer(services.runtime(), idOrPrefix);
        if (container.state() != ContainerState.RUNNING) {
            throw BerthException.failedPrecondition("container " + container.id() + " is not running ("
                    + container.state() + ")");
        }
        return container;
    }

    /** The streaming server, or UNAVAILABLE when it does not run. */
    static StreamUrls streaming(Services services) {
        if (services.streaming() == null) {
            throw BerthException.unavailable("the streaming server is not running");
        }
        return services.streaming();
    }
}
