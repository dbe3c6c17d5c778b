package dev.berth.image;

import dev.berth.host.BerthException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the CRI server needs from the node's images: pulling, finding, listing and removing them, their disk
 * usage, and container root filesystems mounted from their layers. {@link ImageStore} is the real
 * implementation; unit tests of the CRI handlers use an in-memory one.
 *
 * <p>Implementations are thread-safe. Arguments must not be null unless documented; results are never null.
 * Failures are {@link BerthException}s.
 */
public interface Images extends AutoCloseable {

    /** Pulls {@code reference} and records it under the name asked for; {@code creds} may be null (anonymous). */
    Image pull(String reference, Credentials creds);

    /**
     * The image a tag ({@code "busybox"} means {@code "docker.io/library/busybox:latest"}), digest reference,
     * id or unique id prefix names; empty when none (or more than one) does.
     */
    Optional<Image> find(String refOrId);

    /** Every image, in the order they were first stored. */
    List<Image> list();

    /**
     * Removes a tag (and the image once no tag is left) or, named by id or digest, the image with all its tags.
     * Returns false when nothing matches.
     *
     * @throws BerthException.FailedPrecondition if a container's root filesystem uses the image
     */
    boolean remove(String refOrId);

    /** Bytes and inodes the images and containers' writable layers use. */
    FsUsage usage();

    /**
     * Bytes and inodes of the container's writable layer (its overlay upper dir), with the store's root as the
     * mountpoint; empty when the container has no root filesystem here. Walks the layer's tree on each call.
     */
    Optional<FsUsage> containerFsUsage(String containerId);

    /**
     * Mounts a root filesystem for {@code containerId} from the layers of the image {@code imageId} names and
     * returns its directory; idempotent.
     *
     * @throws BerthException.NotFound for an unknown image
     */
    Path mountRootfs(String containerId, String imageId);

    /** Unmounts and deletes the container's root filesystem; idempotent. */
    void unmountRootfs(String containerId);

    /** Ids of containers that have a root filesystem, mounted or not. */
    Set<String> mountedContainers();

    /** Releases resources held for pulling; stored data and mounts stay. Never throws a checked exception. */
    @Override
    void close();
}
