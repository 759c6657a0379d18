package eu.confine.oob.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.rules.ExternalResource;

import eu.confine.oob.api.host.HostCommand;

/**
 * Real busybox LXC containers for tests (networking off, unconfined), with unique short names, and
 * a cleanup after every test, passed or failed, of everything made for those names.
 *
 * <p>Use it as a JUnit rule ({@link OobTestSupport} has one). Names come from {@link #newName()};
 * slice ids chosen by the test itself are registered with {@link #track(String)}.
 */
public final class TestSlivers extends ExternalResource {

    /** Where LXC keeps containers. */
    public static final Path LXC_PATH = Path.of("/var/lib/lxc");

    private final SecureRandom random = new SecureRandom();
    private final Set<String> containers = new LinkedHashSet<>();
    private final Set<String> slices = new LinkedHashSet<>();

    /** A fresh name, valid as slice id, user name and container name ("t" + 6 hex digits), cleaned up after the test. */
    public String newName() {
        String name;
        do {
            byte[] bytes = new byte[3];
            random.nextBytes(bytes);
            name = "t" + HexFormat.of().formatHex(bytes);
        } while (Files.exists(LXC_PATH.resolve(name)) || Files.exists(Path.of("/home", name)) || !slices.add(name));
        return name;
    }

    /** Registers a slice id the test deploys, so its user, group, home, mounts and record are cleaned up. */
    public String track(String sliceId) {
        slices.add(sliceId);
        return sliceId;
    }

    /** Creates a stopped busybox container with a fresh name and returns the name. */
    public String create() {
        return create(newName());
    }

    /** Creates a stopped busybox container {@code name}: no network, AppArmor unconfined. */
    public String create(String name) {
        track(name);
        containers.add(name);
        check("lxc-create", "-n", name, "-t", "busybox");
        Path config = LXC_PATH.resolve(name).resolve("config");
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(config)) {
                String key = line.strip();
                if (!key.startsWith("lxc.net.0.") && !key.startsWith("lxc.apparmor.profile")) {
                    lines.add(line);
                }
            }
            lines.add("lxc.net.0.type = empty");
            lines.add("lxc.apparmor.profile = unconfined");
            Files.write(config, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("container " + name + ": cannot edit " + config, e);
        }
        return name;
    }

    /** Starts the container and waits until it runs. */
    public void start(String name) {
        check("lxc-start", "-n", name, "-d");
        check("lxc-wait", "-n", name, "-s", "RUNNING", "-t", "10");
    }

    /** Stops the container at once (kill). */
    public void stop(String name) {
        check("lxc-stop", "-n", name, "-k");
    }

    /** Whether the container runs. */
    public boolean running(String name) {
        HostCommand.Result state = HostCommand.of("lxc-info", "-n", name, "-s", "-H").run();
        return state.status() == 0 && state.stdout().strip().equals("RUNNING");
    }

    /** Runs a command inside the running container with lxc-attach. */
    public HostCommand.Result attach(String name, String... argv) {
        List<String> command = new ArrayList<>(List.of("lxc-attach", "-n", name, "--"));
        command.addAll(List.of(argv));
        return HostCommand.of(command.toArray(new String[0])).run();
    }

    /** The host path of the container's root file system. */
    public Path rootfs(String name) {
        String path = check("lxc-info", "-n", name, "-c", "lxc.rootfs.path").strip();
        String value = path.substring(path.indexOf('=') + 1).strip();
        return Path.of(value.startsWith("dir:") ? value.substring("dir:".length()) : value);
    }

    /** Stops and destroys the container now; it is no longer cleaned up later. */
    public void destroy(String name) {
        HostCommand.of("lxc-stop", "-n", name, "-k").run();
        check("lxc-destroy", "-n", name, "-f");
        containers.remove(name);
    }

    /** Removes everything made for the names of this test; reports what it could not remove, never throws. */
    @Override
    protected void after() {
        SliverCleanup cleanup = new SliverCleanup();
        for (String slice : slices) {
            cleanup.slice(slice);
        }
        for (String container : containers) {
            cleanup.container(container);
        }
        for (String slice : slices) {
            cleanup.account(slice);
        }
        containers.clear();
        slices.clear();
        cleanup.report();
    }

    private static String check(String... argv) {
        return HostCommand.of(argv).timeout(java.time.Duration.ofSeconds(60)).check();
    }
}
