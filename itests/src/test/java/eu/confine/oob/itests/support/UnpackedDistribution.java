package eu.confine.oob.itests.support;

import static org.hamcrest.CoreMatchers.startsWith;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThat;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

import eu.confine.oob.api.host.MountTable;

/**
 * The distribution tar.gz unpacked into a temp directory as an operator runs it: private records,
 * homes and control socket, {@code bin/karaf server} in the background, {@code bin/oob} from the host shell.
 */
public final class UnpackedDistribution {

    /** How long Karaf may take until {@code bin/oob} answers. */
    public static final Duration BOOT = Duration.ofSeconds(120);
    /** How long one foreground command may run. */
    public static final Duration COMMAND = Duration.ofSeconds(60);
    /** The oob:list columns of the users, keys and mounts bundles' aspects. */
    private static final List<String> ASPECTS = List.of("keys", "mount", "user");

    private final Path base;
    private final Path home;
    private final Path state;
    private Process karaf;
    private int starts;

    private UnpackedDistribution(Path base, Path home, Path state) {
        this.base = base;
        this.home = home;
        this.state = state;
    }

    /**
     * Unpacks the distribution named by system property {@value OobOptions#DISTRIBUTION} into a new temp
     * directory and points records, homeBase (users, keys, mounts, sshd), the control socket, the SSH host
     * keys and the registry snapshot into its {@code state/}; the SSH front end listens on a free loopback
     * port and the registry follower stays idle.
     */
    public static UnpackedDistribution unpack(String prefix) throws Exception {
        String distribution = System.getProperty(OobOptions.DISTRIBUTION);
        assertNotNull("system property " + OobOptions.DISTRIBUTION + " names the distribution tar.gz", distribution);
        Path base = Files.createTempDirectory(prefix);
        Result tar = run(List.of("tar", "-xzf", distribution, "-C", base.toString()), base, base);
        assertTrue("tar -xzf " + distribution + ": " + tar, tar.status() == 0);
        Path home;
        try (Stream<Path> entries = Files.list(base)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path state = Files.createDirectories(base.resolve("state"));
        UnpackedDistribution node = new UnpackedDistribution(base, home, state);
        Files.createDirectories(node.homeBase());
        node.configure("eu.confine.oob.records", Map.of("directory", node.records().toString()));
        for (String pid : List.of("eu.confine.oob.users", "eu.confine.oob.keys", "eu.confine.oob.mounts")) {
            node.configure(pid, Map.of("homeBase", node.homeBase().toString()));
        }
        node.configure("eu.confine.oob.shell", Map.of("socketPath", state.resolve("run/control.sock").toString()));
        // Loopback, any free port and private host keys: tests run side by side and never expose an sshd.
        node.configure("eu.confine.oob.sshd", Map.of("homeBase", node.homeBase().toString(), "listenAddress", "127.0.0.1",
                "port", "0", "hostKeyDirectory", state.resolve("hostkeys").toString()));
        node.configure("eu.confine.oob.registry",
                Map.of("baseUri", "", "snapshotFile", state.resolve("registry-snapshot.json").toString()));
        return node;
    }

    /** The temp directory holding the distribution and its state. */
    public Path base() {
        return base;
    }

    /** The unpacked distribution (KARAF_HOME). */
    public Path home() {
        return home;
    }

    /** Private state: records, homes, socket, Karaf's console output. */
    public Path state() {
        return state;
    }

    /** The homeBase of users, keys and mounts. */
    public Path homeBase() {
        return state.resolve("home");
    }

    /** The sliver records directory. */
    public Path records() {
        return state.resolve("records");
    }

    /** Where {@code bin/karaf}'s console output goes, every start appended. */
    public Path karafOut() {
        return state.resolve("karaf.out");
    }

    /** Starts {@code bin/karaf server} in the background. */
    public void start() throws IOException {
        if (karaf != null && karaf.isAlive()) {
            throw new IllegalStateException("Karaf already runs (pid " + karaf.pid() + ")");
        }
        starts++;
        Files.writeString(karafOut(), "=== start " + starts + " at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(karafOut().toFile()));
        karaf = builder.start();
    }

    /** Whether the {@code bin/karaf} started last still runs. */
    public boolean running() {
        return karaf != null && karaf.isAlive();
    }

    /**
     * Runs {@code bin/oob} with {@code probe} until it exits 0; each try starts a JVM, which paces the loop.
     * Until then the only accepted failures are that the control socket does not answer yet, or that the
     * probe's command is not registered yet (the socket comes up before the commands of later bundles).
     */
    public Result awaitOobAnswers(String... probe) throws Exception {
        Instant deadline = Instant.now().plus(BOOT);
        Result last = null;
        while (Instant.now().isBefore(deadline)) {
            assertTrue("Karaf is running (see " + karafOut() + ")", running());
            last = oob(probe);
            if (last.status() == 0) {
                return last;
            }
            if (!last.err().startsWith("Command not found: " + probe[0])) {
                assertThat("bin/oob found its jar", last.err(), startsWith("oob: cannot connect to "));
            }
            karaf.waitFor(200, TimeUnit.MILLISECONDS);
        }
        dumpThreads();
        fail("bin/oob " + String.join(" ", probe) + " did not answer within " + BOOT + " (thread dump in " + karafOut() + "): " + last);
        return last;
    }

    /**
     * Waits until the whole node is up: {@code bin/oob oob:list} answers and its header names the aspects of
     * the users, keys and mounts bundles. {@code bin/oob} answers as soon as the shell bundle is up, which on
     * a first boot can be seconds before the bundles that handle the sliver events.
     *
     * @return the last {@code oob:list}
     */
    public Result awaitNodeUp() throws Exception {
        Instant deadline = Instant.now().plus(BOOT);
        Result list = awaitOobAnswers("oob:list");
        while (!Stream.of(list.out().split("\n", 2)[0].split("\\|")).map(String::strip).toList().containsAll(ASPECTS)) {
            if (!Instant.now().isBefore(deadline)) {
                dumpThreads();
                fail("oob:list did not show the aspects " + ASPECTS + " within " + BOOT + " (thread dump in " + karafOut() + "): " + list);
            }
            karaf.waitFor(200, TimeUnit.MILLISECONDS);
            list = oob("oob:list");
            assertTrue("oob:list answers: " + list, list.status() == 0);
        }
        return list;
    }

    /**
     * Runs {@code bin/oob} with these arguments until its result is as wanted (it may fail meanwhile); each try starts
     * a JVM, which paces the loop.
     *
     * @return the first wanted result
     */
    public Result awaitOob(Duration timeout, Predicate<Result> wanted, String... args) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Result last = oob(args);
        while (!wanted.test(last)) {
            assertTrue("Karaf is running (see " + karafOut() + ")", running());
            if (!Instant.now().isBefore(deadline)) {
                fail("bin/oob " + String.join(" ", args) + " did not answer as wanted within " + timeout + ": " + last);
            }
            karaf.waitFor(200, TimeUnit.MILLISECONDS);
            last = oob(args);
        }
        return last;
    }

    /** Runs {@code bin/oob} with these arguments and waits for it, within {@link #COMMAND}. */
    public Result oob(String... args) throws Exception {
        return run(oobCommand(args), base);
    }

    /** Starts {@code bin/oob} with these arguments in the background, its stdout and stderr going to these files. */
    public Process startOob(Path out, Path err, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(oobCommand(args)).directory(base.toFile())
                .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.start();
    }

    /**
     * Kills the Karaf JVM with SIGKILL: only the java process that {@code bin/karaf} started for this
     * very directory, then waits until it and {@code bin/karaf} are gone.
     *
     * @return the killed JVM
     */
    public ProcessHandle kill() throws Exception {
        assertTrue("Karaf is running (see " + karafOut() + ")", running());
        List<ProcessHandle> jvms = karaf.children().filter(this::isOurJvm).toList();
        assertTrue("exactly one child of bin/karaf is the JVM with -Dkaraf.base=" + home + ": " + jvms, jvms.size() == 1);
        ProcessHandle jvm = jvms.get(0);
        assertTrue("SIGKILL sent to " + jvm.pid(), jvm.destroyForcibly());
        awaitExit(jvm, Duration.ofSeconds(30));
        assertTrue("bin/karaf ends with its JVM", karaf.waitFor(30, TimeUnit.SECONDS));
        return jvm;
    }

    /**
     * Stops Karaf with {@code bin/stop} if it runs, then kills whatever {@code bin/karaf} left running
     * (only its own descendants). Never throws for Karaf that is already gone.
     */
    public void stop() throws Exception {
        if (karaf == null) {
            return;
        }
        if (karaf.isAlive()) {
            run(List.of(home.resolve("bin/stop").toString()), home);
            if (!karaf.waitFor(60, TimeUnit.SECONDS)) {
                karaf.descendants().forEach(ProcessHandle::destroyForcibly);
                karaf.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        karaf.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** Copies Karaf's log and console output into a directory (replacing older copies), to read once the temp directory is gone. */
    public void keepLogs(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Path log : List.of(home.resolve("data/log/karaf.log"), karafOut())) {
            if (Files.exists(log)) {
                Files.copy(log, directory.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Appends a thread dump of the running Karaf JVM (jcmd Thread.print) to {@link #karafOut()}, for a test stuck waiting for it. */
    public void dumpThreads() throws Exception {
        for (ProcessHandle jvm : karaf.children().filter(this::isOurJvm).toList()) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Result dump = run(List.of(jcmd.toString(), Long.toString(jvm.pid()), "Thread.print"), base);
            Files.writeString(karafOut(), "=== thread dump at " + Instant.now() + "\n" + dump.out() + dump.err(), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        }
    }

    /** Kills with SIGKILL whatever {@code bin/karaf} started and is still running (only its own descendants), and waits. */
    public void destroy() throws InterruptedException {
        if (karaf == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(karaf.descendants().toList());
        all.add(karaf.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            awaitExit(process, Duration.ofSeconds(30));
        }
    }

    /**
     * Deletes the temp directory. Refuses while anything is mounted below it: a bind mount of the same
     * file system would let the walk delete the mounted directory's content.
     */
    public void delete() throws IOException {
        List<MountTable.Mount> mounted = MountTable.read().atOrBelow(base);
        if (!mounted.isEmpty()) {
            throw new IOException("still mounted below " + base + ": " + mounted.get(0).mountPoint() + "; not deleting it");
        }
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Runs a host command in a directory and waits for it, within {@link #COMMAND}; output as UTF-8 text. */
    public Result run(List<String> command, Path directory) throws Exception {
        return run(command, directory, base);
    }

    private static Result run(List<String> command, Path directory, Path scratch) throws Exception {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            if (!process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within " + COMMAND);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Waits until a process is gone. */
    public static void awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            fail("process " + process.pid() + " still runs " + timeout.toSeconds() + " s after it was told to end");
        }
    }

    private boolean isOurJvm(ProcessHandle process) {
        String flag = "-Dkaraf.base=";
        for (String arg : process.info().arguments().orElse(new String[0])) {
            if (arg.startsWith(flag)) {
                try {
                    return Path.of(arg.substring(flag.length())).toRealPath().equals(home.toRealPath());
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private List<String> oobCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/oob").toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Sets these keys in {@code etc/PID.cfg}, keeping its other lines (the file is created if the distribution has none);
     * read at the next start, or at once by a running Karaf.
     */
    public void configure(String pid, Map<String, String> values) throws IOException {
        Path file = home.resolve("etc/" + pid + ".cfg");
        List<String> lines = new ArrayList<>();
        Map<String, String> missing = new TreeMap<>(values);
        for (String line : Files.exists(file) ? Files.readAllLines(file) : List.<String>of()) {
            String key = line.split("=", 2)[0].strip();
            if (!line.strip().startsWith("#") && line.contains("=") && values.containsKey(key)) {
                lines.add(key + " = " + values.get(key));
                missing.remove(key);
            } else {
                lines.add(line);
            }
        }
        missing.forEach((key, value) -> lines.add(key + " = " + value));
        Files.write(file, lines);
    }

    /**
     * What a command did.
     *
     * @param status its exit status
     * @param out    its standard output
     * @param err    its standard error
     */
    public record Result(int status, String out, String err) {
    }
}
