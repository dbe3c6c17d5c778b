package dev.berth.oci;

import dev.berth.cri.v1.ContainerConfig;
import dev.berth.host.BerthException;
import java.util.ArrayList;
import java.util.List;

/** The Docker/kubelet rules for merging a container's command with its image's ENTRYPOINT and CMD. */
final class ProcessArgs {
    private ProcessArgs() {
    }

    static List<String> merge(ContainerConfig c, ImageSpec image) {
        List<String> args = new ArrayList<>();
        if (!c.getCommandList().isEmpty()) {
            // A CRI command replaces ENTRYPOINT, and the image CMD was written for that ENTRYPOINT,
            // so it is dropped too (kubelet's documented "command without args" rule).
            args.addAll(c.getCommandList());
            args.addAll(c.getArgsList());
        } else {
            args.addAll(image.entrypoint());
            args.addAll(c.getArgsList().isEmpty() ? image.cmd() : c.getArgsList());
        }
        if (args.isEmpty()) {
            throw BerthException.invalidArgument("no command specified");
        }
        return List.copyOf(args);
    }
}
