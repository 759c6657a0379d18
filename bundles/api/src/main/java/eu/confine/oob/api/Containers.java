package eu.confine.oob.api;

import java.nio.file.Path;

/** The node's LXC containers, as far as confine-oob needs them. Names are checked by {@link #requireValidName}. */
public interface Containers {

    /** Whether a container of that name is defined on this node. */
    boolean exists(String name);

    /** Whether the container is running. False for an unknown container. */
    boolean isRunning(String name);

    /**
     * The host path of the container's root filesystem.
     *
     * @throws IllegalStateException if the container does not exist or its rootfs is not a plain directory
     */
    Path rootfs(String name);

    /** Checks a container name before it reaches any tool; returns it. */
    static String requireValidName(String sliceId, String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new InvalidSliverRequestException(sliceId,
                    "container name must be letters, digits, '_', '.' or '-' (at most 64), got '"
                            + (name == null ? "" : SliceId.printable(name)) + "'");
        }
        return name;
    }
}
