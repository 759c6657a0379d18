package eu.confine.oob.lxc.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.ContainerProcess;
import eu.confine.oob.api.Containers;
import eu.confine.oob.api.TerminalSize;
import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.HostCommandException;

/** Answers questions about LXC containers with {@code lxc-ls} and {@code lxc-info}, never by reading LXC's files. */
@Component(service = Containers.class, configurationPid = "eu.confine.oob.lxc")
@Designate(ocd = LxcContainers.Config.class)
public class LxcContainers implements Containers {

    private static final Logger LOG = LoggerFactory.getLogger(LxcContainers.class);

    private static final String ROOTFS_KEY = "lxc.rootfs.path";
    private static final String DIR_BACKEND = "dir:";
    private static final String STATE_LABEL = "State:";
    /** Context for name errors: the adapter does not know which slice asks. */
    private static final String NO_SLICE = "(container lookup)";

    @ObjectClassDefinition(name = "confine-oob LXC adapter",
            description = "How confine-oob asks the LXC command-line tools about the slivers' containers.")
    public @interface Config {
        @AttributeDefinition(name = "LXC path",
                description = "Absolute directory holding the containers, passed to the LXC tools as -P. "
                        + "Empty: LXC's default (lxc.lxcpath, usually /var/lib/lxc).")
        String lxcpath() default "";

        @AttributeDefinition(name = "Command timeout",
                description = "Seconds an LXC tool may run before it is killed and the question fails.", min = "1")
        int commandTimeoutSeconds() default 10;
    }

    private final List<String> lxcpathArgs;
    private final Duration timeout;
    private final LxcProcesses processes;

    @Activate
    public LxcContainers(Config config) {
        this(config.lxcpath(), Duration.ofSeconds(config.commandTimeoutSeconds()));
    }

    LxcContainers(String lxcpath, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("commandTimeoutSeconds must be positive, got " + timeout.toSeconds());
        }
        this.timeout = timeout;
        this.lxcpathArgs = lxcpath == null || lxcpath.isEmpty() ? List.of() : List.of("-P", requireDirectoryPath(lxcpath));
        this.processes = new LxcProcesses(lxcpathArgs);
    }

    @Override
    public boolean exists(String name) {
        Containers.requireValidName(NO_SLICE, name);
        // lxc-info knows one container (a few ms); it fails for an unknown one, and for a known one only on an
        // error, so a failure is settled by a listing filtered to that name.
        return lxcRun("lxc-info", "-n", name, "-s").status() == 0 || listed(name);
    }

    /**
     * Whether {@code lxc-ls} lists the container. Filtered to the one name: an unfiltered {@code lxc-ls} loads
     * every container's configuration, which grows with the node (about 70 ms with 500 containers).
     */
    private boolean listed(String name) {
        String only = "^" + name.replace(".", "[.]") + "$";
        return lxc("lxc-ls", "-1", "--filter", only).lines().map(String::strip).anyMatch(name::equals);
    }

    @Override
    public boolean isRunning(String name) {
        Containers.requireValidName(NO_SLICE, name);
        // One tool call (this is asked for every console and command): lxc-info fails for an unknown container.
        HostCommand.Result state = lxcRun("lxc-info", "-n", name, "-s");
        if (state.status() != 0) {
            if (!listed(name)) {
                return false;
            }
            throw new HostCommandException("lxc-info -n " + name + " -s exited " + state.status() + ": " + state.stderr().strip(), null);
        }
        return state.stdout().lines()
                .filter(line -> line.startsWith(STATE_LABEL))
                .map(line -> line.substring(STATE_LABEL.length()).strip())
                .anyMatch("RUNNING"::equals);
    }

    @Override
    public Path rootfs(String name) {
        Containers.requireValidName(NO_SLICE, name);
        HostCommand.Result config = lxcRun("lxc-info", "-n", name, "-c", ROOTFS_KEY);
        if (config.status() != 0) {
            if (!listed(name)) {
                throw new IllegalStateException("container " + name + " does not exist");
            }
            throw new IllegalStateException("container " + name + ": lxc-info exited " + config.status() + ": " + config.stderr().strip());
        }
        String output = config.stdout();
        String prefix = ROOTFS_KEY + " =";
        List<String> values = output.lines().filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip()).toList();
        if (values.size() != 1) {
            throw new IllegalStateException("container " + name + ": lxc-info gave no single " + ROOTFS_KEY);
        }
        String value = values.get(0);
        if (value.startsWith(DIR_BACKEND)) {
            value = value.substring(DIR_BACKEND.length());
        }
        if (value.isEmpty()) {
            throw new IllegalStateException("container " + name + " has an empty " + ROOTFS_KEY
                    + " (it would share the host's root filesystem)");
        }
        Path path = plainDirectory(value);
        if (path == null || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("container " + name + ": " + ROOTFS_KEY + " '" + value
                    + "' is not a plain directory (only LXC's dir backend is supported)");
        }
        return path;
    }

    @Override
    public ContainerProcess console(String name, TerminalSize size, Map<String, String> env) throws IOException {
        requireRunning(name);
        return processes.console(name, size, env, consoleTerminal(name, size));
    }

    /**
     * The container's console terminal at the client's size, or empty (logged) when it cannot be reached: the console
     * then works with the size the sliver booted with. The init pid is read before and after opening, so a container
     * restarted in between (and its pid taken by another process) is never touched.
     */
    private Optional<ConsoleTerminal> consoleTerminal(String name, TerminalSize size) {
        ConsoleTerminal terminal = null;
        try {
            long pid = initPid(name);
            terminal = ConsoleTerminal.open(name, pid);
            if (initPid(name) != pid) {
                throw new IOException("container " + name + " restarted while its console was opened");
            }
            terminal.resize(size);
            return Optional.of(terminal);
        } catch (IOException | RuntimeException e) {
            if (terminal != null) {
                terminal.close();
            }
            LOG.warn("container {}: the console keeps its own window size: {}", name, e.getMessage());
            return Optional.empty();
        }
    }

    private long initPid(String name) throws IOException {
        String pid = lxc("lxc-info", "-n", name, "-p", "-H").strip();
        if (!pid.matches("[1-9][0-9]{0,9}")) {
            throw new IOException("container " + name + " has no init process (lxc-info said '" + pid + "')");
        }
        return Long.parseLong(pid);
    }

    @Override
    public ContainerProcess attach(String name, List<String> argv, Map<String, String> env, Optional<TerminalSize> pty)
            throws IOException {
        requireRunning(name);
        return processes.attach(name, argv, env, pty);
    }

    private void requireRunning(String name) throws IOException {
        if (!isRunning(name)) {
            throw new IOException("container " + name + (exists(name) ? " is not running" : " does not exist"));
        }
    }

    private String lxc(String tool, String... args) {
        return command(tool, args).check();
    }

    private HostCommand.Result lxcRun(String tool, String... args) {
        return command(tool, args).run();
    }

    private HostCommand command(String tool, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(tool);
        argv.addAll(lxcpathArgs);
        argv.addAll(List.of(args));
        return HostCommand.of(argv.toArray(String[]::new)).timeout(timeout);
    }

    /** An absolute, normalised path without the ':' of other storage backends, or null. */
    private static Path plainDirectory(String value) {
        if (!value.startsWith("/") || value.indexOf(':') >= 0 || value.indexOf('\0') >= 0) {
            return null;
        }
        try {
            Path path = Path.of(value);
            return path.normalize().equals(path) ? path : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static String requireDirectoryPath(String lxcpath) {
        if (plainDirectory(lxcpath) == null) {
            throw new IllegalArgumentException("lxcpath must be an absolute, normalised path, got '" + lxcpath + "'");
        }
        return lxcpath;
    }
}
