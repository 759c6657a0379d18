package eu.confine.oob.lxc.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.ContainerProcess;
import eu.confine.oob.api.TerminalSize;
import eu.confine.oob.api.host.HostCommand;

/** Runs the adapter against real busybox containers made and destroyed by each test. */
public class LxcContainersTest {

    private static final Path DEFAULT_LXCPATH = Path.of(HostCommand.of("lxc-config", "lxc.lxcpath").check().strip());

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final List<String[]> created = new ArrayList<>();
    private final LxcContainers containers = new LxcContainers("", Duration.ofSeconds(20));

    @After
    public void destroyContainers() {
        for (String[] container : created) {
            HostCommand.of(withPath(container, "lxc-stop", "-k", "-n", container[0])).run();
            HostCommand.of(withPath(container, "lxc-destroy", "-n", container[0])).run();
        }
    }

    @Test
    public void stoppedContainerExistsWithItsRootfs() throws IOException {
        String name = create(null);

        assertTrue(containers.exists(name));
        assertFalse(containers.isRunning(name));
        assertEquals(DEFAULT_LXCPATH.resolve(name).resolve("rootfs"), containers.rootfs(name));
    }

    @Test
    public void runningContainerIsRunningWithTheSameRootfs() throws IOException {
        String name = create(null);
        HostCommand.of("lxc-start", "-n", name, "-d").check();
        HostCommand.of("lxc-wait", "-n", name, "-s", "RUNNING", "-t", "10").check();

        assertTrue(containers.exists(name));
        assertTrue(containers.isRunning(name));
        assertEquals(DEFAULT_LXCPATH.resolve(name).resolve("rootfs"), containers.rootfs(name));

        HostCommand.of("lxc-stop", "-k", "-n", name).check();
        assertFalse(containers.isRunning(name));
    }

    @Test
    public void missingContainerDoesNotExistAndHasNoRootfs() {
        String name = uniqueName();

        assertFalse(containers.exists(name));
        assertFalse(containers.isRunning(name));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> containers.rootfs(name));
        assertThat(e.getMessage(), containsString(name));
    }

    @Test
    public void onlyTheWholeNameExists() throws IOException {
        String name = create(null);
        // "oobtest-1234abcd": the same name with a dot in place of its dash must not match it as a pattern would.
        String dotted = name.replace('-', '.');

        assertTrue("control", containers.exists(name));
        assertFalse(containers.exists(dotted));
        assertFalse(containers.exists(name.substring(0, name.length() - 1)));
        assertFalse(containers.exists(name + "0"));
        assertFalse(containers.isRunning(dotted));
    }

    @Test
    public void badNamesAreRefusedBeforeAnyTool() {
        // With a missing lxcpath every tool run would fail differently; the name check comes first.
        LxcContainers broken = new LxcContainers("/nonexistent/lxc", Duration.ofSeconds(5));
        for (String bad : List.of("../etc", "-P/tmp", "a b", "", "x;reboot", "a".repeat(65))) {
            assertThrows(InvalidSliverRequestException.class, () -> broken.exists(bad));
            assertThrows(InvalidSliverRequestException.class, () -> broken.isRunning(bad));
            assertThrows(InvalidSliverRequestException.class, () -> broken.rootfs(bad));
        }
    }

    @Test
    public void rootfsOfAnotherBackendOrASymlinkIsRefused() throws IOException {
        String name = create(null);
        Path config = DEFAULT_LXCPATH.resolve(name).resolve("config");
        Path rootfs = DEFAULT_LXCPATH.resolve(name).resolve("rootfs");
        Path link = temp.getRoot().toPath().resolve("link");
        Files.createSymbolicLink(link, rootfs);
        try {
            for (String value : List.of("overlay:/var/lib/lxc/a:/var/lib/lxc/b", "", "loop:" + config, "relative/dir",
                    "dir:" + link)) {
                setRootfs(config, value);
                IllegalStateException e = assertThrows(value, IllegalStateException.class, () -> containers.rootfs(name));
                assertThat(e.getMessage(), containsString("container " + name));
            }
        } finally {
            // lxc-destroy deletes the configured rootfs: never leave it pointing elsewhere.
            setRootfs(config, "dir:" + rootfs);
        }
        setRootfs(config, rootfs.toString());
        assertEquals(rootfs, containers.rootfs(name));
    }

    @Test
    public void configuredLxcpathIsPassedToTheTools() throws IOException {
        Path lxcpath = temp.newFolder("lxc").toPath();
        String name = create(lxcpath);
        LxcContainers custom = new LxcContainers(lxcpath.toString(), Duration.ofSeconds(20));

        assertTrue(custom.exists(name));
        assertThat(custom.rootfs(name), is(lxcpath.resolve(name).resolve("rootfs")));
        assertFalse(containers.exists(name));
    }

    @Test
    public void badConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LxcContainers("var/lib/lxc", Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new LxcContainers("/var/lib/../lxc", Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new LxcContainers("", Duration.ZERO));
    }

    @Test
    public void attachRunsAnArgumentListWithPipesStdinAndExitStatus() throws Exception {
        String name = started();
        ContainerProcess process = containers.attach(name, List.of("sh", "-c", "read x; echo got $x; echo oops >&2; exit 3"),
                Map.of(), Optional.empty());
        process.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
        process.stdin().close();
        Transcript out = new Transcript(process.stdout());
        Transcript err = new Transcript(process.stderr());
        assertEquals(3, process.waitFor());
        out.await("got hello\n", 0, Duration.ofSeconds(5));
        err.await("oops\n", 0, Duration.ofSeconds(5));
    }

    @Test
    public void attachPassesOnlyTerminalVariables() throws Exception {
        String name = started();
        ContainerProcess process = containers.attach(name, List.of("env"),
                Map.of("TERM", "xterm", "LC_ALL", "C.UTF-8", "LD_PRELOAD", "/tmp/evil.so", "LANG", "$(reboot)"), Optional.empty());
        process.stdin().close();
        Transcript out = new Transcript(process.stdout());
        assertEquals(0, process.waitFor());
        out.await("TERM=xterm", 0, Duration.ofSeconds(5));
        out.await("LC_ALL=C.UTF-8", 0, Duration.ofSeconds(5));
        assertFalse(out.text(), out.text().contains("LD_PRELOAD"));
        assertFalse(out.text(), out.text().contains("reboot"));
    }

    @Test
    public void attachUnderATerminalFollowsItsSize() throws Exception {
        String name = started();
        ContainerProcess process = containers.attach(name, List.of("sh", "-c", "stty size; read x; stty size"), Map.of("TERM", "vt100"),
                Optional.of(new TerminalSize(100, 30)));
        Transcript out = new Transcript(process.stdout());
        int at = out.await("30 100", 0, Duration.ofSeconds(10));
        process.resize(new TerminalSize(120, 40));
        process.stdin().write("\r".getBytes(StandardCharsets.UTF_8));
        process.stdin().flush();
        out.await("40 120", at, Duration.ofSeconds(10));
        assertEquals(0, process.waitFor());
    }

    @Test
    public void consoleRunsTypedCommandsAndDetachesWithCtrlAQ() throws Exception {
        String name = started();
        ContainerProcess console = containers.console(name, TerminalSize.DEFAULT, Map.of("TERM", "vt100"));
        Transcript out = new Transcript(console.stdout());
        int at = awaitPrompt(console, out);
        type(console, "echo con$((40+2))sole\r");
        out.await("con42sole", at, Duration.ofSeconds(10));
        type(console, "\u0001q");
        assertEquals(0, console.waitFor());
    }

    @Test
    public void consoleFollowsTheClientsWindowSizeInsideTheContainer() throws Exception {
        String name = started();
        ContainerProcess console = containers.console(name, new TerminalSize(100, 30), Map.of("TERM", "vt100"));
        Transcript out = new Transcript(console.stdout());
        int at = awaitPrompt(console, out);
        type(console, "stty size\r");
        at = out.await("30 100", at, Duration.ofSeconds(10));
        console.resize(new TerminalSize(132, 43));
        type(console, "stty size\r");
        out.await("43 132", at, Duration.ofSeconds(10));
        // The sliver's own view, not only what the console's shell was told.
        assertThat(inside(name, "stty -F /dev/console size"), is("43 132"));
        type(console, "\u0001q");
        assertEquals(0, console.waitFor());
    }

    @Test
    public void consoleReplacedBySymlinkFifoOrFileIsLeftAloneAndTheConsoleStillWorks() throws Exception {
        String name = started();
        long pid = Long.parseLong(HostCommand.of("lxc-info", "-n", name, "-p", "-H").check().strip());
        inside(name, "stty -F /dev/pts/1 cols 77 rows 11 && umount -l /dev/console && rm /dev/console && ln -s /dev/pts/1 /dev/console");
        IOException symlink = assertThrows(IOException.class, () -> ConsoleTerminal.open(name, pid));
        assertThat(symlink.getMessage(), containsString("container " + name + ": cannot open its /dev/console"));
        ContainerProcess console = containers.console(name, new TerminalSize(100, 30), Map.of());
        awaitPrompt(console, new Transcript(console.stdout()));
        type(console, "\u0001q");
        assertEquals(0, console.waitFor());
        assertThat("the link's target keeps its size", inside(name, "stty -F /dev/pts/1 size"), is("11 77"));

        // Opening a FIFO for reading would block: it is never opened, only looked at.
        inside(name, "rm /dev/console && mkfifo /dev/console");
        IOException fifo = assertThrows(IOException.class, () -> ConsoleTerminal.open(name, pid));
        assertThat(fifo.getMessage(), containsString("is no pseudo-terminal"));
        inside(name, "rm /dev/console && touch /dev/console");
        IOException file = assertThrows(IOException.class, () -> ConsoleTerminal.open(name, pid));
        assertThat(file.getMessage(), containsString("is no pseudo-terminal"));
    }

    /** Runs a shell line inside the container and returns its trimmed output. */
    private String inside(String name, String line) {
        return HostCommand.of("lxc-attach", "-n", name, "--clear-env", "--", "/bin/sh", "-c", line).check().strip();
    }

    private static void type(ContainerProcess console, String text) throws IOException {
        console.stdin().write(text.getBytes(StandardCharsets.UTF_8));
        console.stdin().flush();
    }

    /** busybox asks for Enter before it starts the console's shell; returns where the prompt ends. */
    private static int awaitPrompt(ContainerProcess console, Transcript out) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            type(console, "\r");
            try {
                return out.await("#", 0, Duration.ofMillis(500));
            } catch (AssertionError notYet) {
                // Not yet: press Enter again.
            }
        }
        throw new AssertionError("no console prompt: " + out.text());
    }

    @Test
    public void stoppedOrMissingContainerHasNoConsoleNorCommands() throws IOException {
        String name = create(null);
        IOException stopped = assertThrows(IOException.class, () -> containers.console(name, TerminalSize.DEFAULT, Map.of()));
        assertThat(stopped.getMessage(), containsString("container " + name + " is not running"));
        IOException missing = assertThrows(IOException.class,
                () -> containers.attach("oobtest-missing", List.of("true"), Map.of(), Optional.empty()));
        assertThat(missing.getMessage(), containsString("does not exist"));
    }

    private String started() throws IOException {
        String name = create(null);
        HostCommand.of("lxc-start", "-n", name, "-d").check();
        HostCommand.of("lxc-wait", "-n", name, "-s", "RUNNING", "-t", "10").check();
        return name;
    }

    /** Creates a busybox container without network and unconfined, as the node's slivers are. */
    private String create(Path lxcpath) throws IOException {
        String name = uniqueName();
        String[] container = {name, lxcpath == null ? null : lxcpath.toString()};
        created.add(container);
        HostCommand.of(withPath(container, "lxc-create", "-n", name, "-t", "busybox")).check();
        Path config = (lxcpath == null ? DEFAULT_LXCPATH : lxcpath).resolve(name).resolve("config");
        List<String> lines;
        try (Stream<String> all = Files.lines(config)) {
            lines = all.filter(line -> !line.startsWith("lxc.net.0.") && !line.startsWith("lxc.apparmor.profile"))
                    .collect(Collectors.toCollection(ArrayList::new));
        }
        lines.add("lxc.net.0.type = empty");
        lines.add("lxc.apparmor.profile = unconfined");
        Files.write(config, lines);
        return name;
    }

    private static void setRootfs(Path config, String value) throws IOException {
        List<String> lines;
        try (Stream<String> all = Files.lines(config)) {
            lines = all.map(line -> line.startsWith("lxc.rootfs.path") ? "lxc.rootfs.path = " + value : line).toList();
        }
        Files.write(config, lines);
    }

    private static String[] withPath(String[] container, String tool, String... args) {
        List<String> argv = new ArrayList<>(List.of(tool));
        if (container[1] != null) {
            argv.add("-P");
            argv.add(container[1]);
        }
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    private static String uniqueName() {
        return "oobtest-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
