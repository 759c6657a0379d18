package eu.confine.oob.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Attaches to the container's console ({@code lxc-console}) in a fresh pseudo-terminal; the
     * console's own escape ({@code Ctrl-a q}) ends the process.
     *
     * @param env only terminal variables ({@code TERM}, {@code LANG}, {@code LC_*}); anything else is dropped
     * @throws IOException if the container is not running or the console cannot be started
     */
    ContainerProcess console(String name, TerminalSize size, Map<String, String> env) throws IOException;

    /**
     * Runs a command inside the running container ({@code lxc-attach}, cleared environment), as an
     * argument list: no shell on the host ever sees it.
     *
     * @param pty a terminal of that size, or empty for plain pipes
     * @throws IOException if the container is not running or the command cannot be started
     */
    ContainerProcess attach(String name, List<String> argv, Map<String, String> env, Optional<TerminalSize> pty) throws IOException;

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
