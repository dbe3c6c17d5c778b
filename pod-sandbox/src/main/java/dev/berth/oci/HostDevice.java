package dev.berth.oci;

import dev.berth.host.BerthException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import dev.berth.cri.v1.Device;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device node on the host, as the OCI {@code linux.devices} and device cgroup entries need it.
 *
 * @param type  {@code "c"} or {@code "b"}
 * @param major the major number
 * @param minor the minor number
 * @param mode  the permission bits of the node
 * @param uid   the owner
 * @param gid   the group
 */
public record HostDevice(String type, long major, long minor, int mode, long uid, long gid) {

    /**
     * The host nodes of a container's CRI devices, by host path, looked up before the spec is built.
     *
     * @throws BerthException.InvalidArgument naming {@code devices[i].host_path} for a path that is not a device
     */
    public static Map<String, HostDevice> of(List<Device> devices) {
        Map<String, HostDevice> found = new LinkedHashMap<>();
        for (int i = 0; i < devices.size(); i++) {
            String hostPath = devices.get(i).getHostPath();
            if (found.containsKey(hostPath)) {
                continue;
            }
            try {
                found.put(hostPath, stat(Path.of(hostPath)));
            } catch (java.nio.file.InvalidPathException e) {
                throw BerthException.invalid("devices[" + i + "].host_path", "is not a path: "
                        + BerthException.printable(hostPath), e);
            } catch (BerthException.InvalidArgument e) {
                throw BerthException.invalid("devices[" + i + "].host_path", e.getMessage(), e);
            }
        }
        return Map.copyOf(found);
    }

    /** Reads a device node's attributes. */
    static HostDevice stat(Path path) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,rdev,uid,gid");
            int mode = (Integer) a.get("mode");
            long rdev = (Long) a.get("rdev");
            String type = switch (mode & 0170000) {
                case 0020000 -> "c";
                case 0060000 -> "b";
                default -> throw BerthException.invalidArgument(BerthException.printable(path.toString())
                        + " is not a device node");
            };
            // glibc's major()/minor() encoding of dev_t
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            return new HostDevice(type, major, minor & 0xffffffffL, mode & 07777,
                    ((Integer) a.get("uid")).longValue(), ((Integer) a.get("gid")).longValue());
        } catch (IOException e) {
            // the exception's own text repeats the path, which may be kilobytes long
            String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getClass().getSimpleName();
            throw BerthException.invalidArgument(BerthException.printable(path.toString())
                    + " cannot be used as a device: " + reason, e);
        }
    }
}
