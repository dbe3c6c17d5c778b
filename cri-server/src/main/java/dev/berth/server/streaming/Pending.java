package dev.berth.server.streaming;

import java.util.List;

/** A streaming request between its RPC and the client's connection. Immutable. */
sealed interface Pending {

    /** The first segment of the URL path that serves this kind of request. */
    String kind();

    /** A command to run in a container; stderr is never separate with a TTY. */
    record Exec(String containerId, List<String> command, boolean tty, boolean stdin, boolean stdout,
                boolean stderr) implements Pending {
        public Exec {
            command = List.copyOf(command);
        }

        @Override
        public String kind() {
            return "exec";
        }
    }

    /** Streams of a container's main process. */
    record Attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            implements Pending {
        @Override
        public String kind() {
            return "attach";
        }
    }

    /** Connections to ports on a pod's loopback. */
    record PortForward(String sandboxId, List<Integer> ports) implements Pending {
        public PortForward {
            ports = List.copyOf(ports);
        }

        @Override
        public String kind() {
            return "portforward";
        }
    }
}
