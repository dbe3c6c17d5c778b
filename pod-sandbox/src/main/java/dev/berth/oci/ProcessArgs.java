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
            throw BerthException.invalid("command", "is required: the image has no entrypoint or cmd");
        }
        return List.copyOf(args);
    }

    static String executableField(ContainerConfig c, ImageSpec image) {
        if (!c.getCommandList().isEmpty()) {
            return "command[0]";
        }
        if (image.entrypoint().isEmpty() && !c.getArgsList().isEmpty()) {
            return "args[0]";
        }
        return "image.image";
    }
}
