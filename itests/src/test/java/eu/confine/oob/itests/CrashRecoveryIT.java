package eu.confine.oob.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;

import eu.confine.oob.api.host.HostCommand;
import eu.confine.oob.api.host.MountTable;
import eu.confine.oob.itests.support.TestKey;
import eu.confine.oob.itests.support.TestSlivers;
import eu.confine.oob.itests.support.UnpackedDistribution;
import eu.confine.oob.itests.support.UnpackedDistribution.Result;

/**
 * SIGKILL of the Karaf JVM while many slivers are being deployed, then a restart: every sliver with a
 * record ends READY by reconciliation alone, every other one left no trace, and deploying those again
 * makes all of them READY. Runs the unpacked distribution with private records and homes against one
 * real busybox container whose rootfs holds one tmp directory per sliver.
 */
public class CrashRecoveryIT {

    /** Enough deploys that, with a quarter READY, most are still queued in Karaf even on a 2-core machine. */
    private static final int SLIVERS = 40;
    /** A quarter READY: the restart finds many READY records, and most deploys are still queued in Karaf. */
    private static final int READY_BEFORE_KILL = SLIVERS / 4;
    /** How long reconciliation may take after the restart. */
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    /** How long any one deploy client may run: its own --timeout plus JVM start under load. */
    private static final Duration CLIENT = Duration.ofSeconds(90);
    private static final String DEPLOY_TIMEOUT_SECONDS = "60";
    private static final String SLIVER_GROUP = "sliver";
    private static final String TMP_OWNER_AND_MODE = "root:root 1777";
    private static final Duration PACE = Duration.ofMillis(20);
    /** Where Karaf's log, its console output (with a thread dump if the test got stuck) and the clients' output are kept. */
    private static final Path LOGS = Path.of("target", "CrashRecoveryIT");

    private final Object monitor = new Object();
    private final SecureRandom random = new SecureRandom();
    /** Every name this test chose (container and slice ids); none was a user, group, container or home before. */
    private final Set<String> names = new LinkedHashSet<>();
    private final List<Process> clients = new ArrayList<>();
    private UnpackedDistribution node;
    private String container;

    /** One sliver of the test: slice id (also user and group name), its tmp inside the container, its admin key. */
    private record Sliver(String name, Path tmp, String key) {
    }

    /** Something to undo after the test. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Undoes everything, whatever happened: clients, Karaf (killed: nothing is left to prove), mounts below
     * the private homes, the users and groups of this test's names (a user only if its home is below the
     * private homeBase), the container, the temp directory (Karaf's logs are kept in {@link #LOGS}). Needs no
     * api class the test has not used already, so an api jar replaced by a parallel build cannot stop it.
     */
    @After
    public void cleanUp() {
        Instant began = Instant.now();
        List<String> left = new ArrayList<>();
        clients.forEach(Process::destroyForcibly);
        if (node != null) {
            attempt(left, "kill Karaf", node::destroy);
            for (MountTable.Mount mount : MountTable.read().atOrBelow(node.base())) {
                String mountPoint = mount.mountPoint().toString();
                attempt(left, "unmount " + mountPoint, () -> HostCommand.of("umount", "-l", mountPoint).check());
            }
            for (String name : names) {
                attempt(left, "account " + name, () -> deleteAccount(name));
            }
        }
        if (container != null && Files.isDirectory(TestSlivers.LXC_PATH.resolve(container), LinkOption.NOFOLLOW_LINKS)) {
            HostCommand.of("lxc-stop", "-n", container, "-k").run();
            attempt(left, "container " + container, () -> HostCommand.of("lxc-destroy", "-n", container, "-f").check());
        }
        if (node != null) {
            attempt(left, "copy the logs to " + LOGS, this::keepLogs);
            attempt(left, "temp directory " + node.base(), node::delete);
        }
        log("cleaned up in %d ms", Duration.between(began, Instant.now()).toMillis());
        if (!left.isEmpty()) {
            throw new AssertionError("cleanup failed: " + String.join("; ", left));
        }
    }

    @Test
    public void sigkillWhileDeployingManySliversLeavesEachReadyOrUntouched() throws Exception {
        Instant began = Instant.now();
        node = UnpackedDistribution.unpack("oob-crash-recovery-it");
        List<Sliver> all = prepare();
        node.start();
        node.awaitNodeUp();
        log("set up and booted in %d ms", Duration.between(began, Instant.now()).toMillis());

        Instant deploying = Instant.now();
        Map<Sliver, Process> firstDeploys = deployAll(all, "first");
        BooleanSupplier middle = () -> readyCount(all) >= READY_BEFORE_KILL && deployingCount(all) > 0;
        await(CLIENT, () -> middle.getAsBoolean() || firstDeploys.values().stream().noneMatch(Process::isAlive));
        if (!middle.getAsBoolean()) {
            node.dumpThreads();
            fail("within " + CLIENT + ", " + READY_BEFORE_KILL + " deploys did not print READY while another one's record said"
                    + " DEPLOYING; a client's output: " + read(client(all.get(0), "first", "out"))
                    + read(client(all.get(0), "first", "err")) + " (see " + LOGS.toAbsolutePath() + ")");
        }
        ProcessHandle jvm = node.kill();
        Duration killedAfter = Duration.between(deploying, Instant.now());
        long deployingAtKill = deployingCount(all);
        String atKill = snapshot(all);
        awaitExit(firstDeploys.values());
        List<Sliver> readyAtKill = all.stream().filter(sliver -> printedReady(sliver, "first")).toList();
        log("SIGKILL to Karaf JVM %d %d ms after %d deploys started at once: %d had printed READY, %d were cut off in Karaf,"
                + " %d never connected; host and records: %s", jvm.pid(), killedAfter.toMillis(), SLIVERS, readyAtKill.size(),
                clientsSaying(all, "closed the connection"), clientsSaying(all, "cannot connect"), atKill);
        assertTrue("the kill came before the last READY", readyAtKill.size() < SLIVERS);
        // Also proves, below, that the chain runs after the restart: this record can only become READY by reconciliation.
        assertTrue("the kill cut a deployment short: a record said DEPLOYING", deployingAtKill > 0);
        for (Sliver sliver : all) {
            int status = firstDeploys.get(sliver).exitValue();
            assertTrue("deploy of " + sliver.name() + " printed READY or was cut off by the kill (exit 2), never FAILED: exit " + status
                    + ", " + read(client(sliver, "first", "out")) + read(client(sliver, "first", "err")), status == 0 || status == 2);
        }

        Instant restarted = Instant.now();
        node.start();
        // Not awaitNodeUp: oob:list would use the aspect services, and the recovery must come about by itself.
        node.awaitOobAnswers("oob:deploy", "--help");
        Map<Sliver, List<String>> problems = new LinkedHashMap<>();
        boolean settled = await(RECOVERY, () -> {
            problems.clear();
            all.forEach(sliver -> problems.put(sliver, inspect(sliver)));
            return problems.values().stream().allMatch(List::isEmpty);
        });
        assertTrue("within " + RECOVERY + " of the restart every sliver is READY with everything right, or left nothing at all:"
                + describe(problems) + "\n(see karaf.log and karaf.out in " + LOGS.toAbsolutePath() + ")", settled);
        List<Sliver> recovered = all.stream().filter(this::recorded).toList();
        List<Sliver> untouched = all.stream().filter(sliver -> !recorded(sliver)).toList();
        log("%d ms after the restart: %d slivers READY, %d without a trace", Duration.between(restarted, Instant.now()).toMillis(),
                recovered.size(), untouched.size());
        assertTrue("every deploy that printed READY before the kill is READY after it", recovered.containsAll(readyAtKill));

        Instant again = Instant.now();
        Map<Sliver, Process> secondDeploys = deployAll(untouched, "again");
        awaitExit(secondDeploys.values());
        log("%d deploys again in %d ms", untouched.size(), Duration.between(again, Instant.now()).toMillis());
        for (Sliver sliver : untouched) {
            assertEquals("deploy of " + sliver.name() + " after the restart: " + read(client(sliver, "again", "err")),
                    "slice " + sliver.name() + ": READY\n", read(client(sliver, "again", "out")));
            assertEquals(0, secondDeploys.get(sliver).exitValue());
        }
        for (Sliver sliver : all) {
            assertTrue("sliver " + sliver.name() + " has a record", recorded(sliver));
            assertEquals("sliver " + sliver.name() + " is READY with everything right", List.of(), inspect(sliver));
        }
        assertListShowsEveryone(all);
        log("passed in %d ms", Duration.between(began, Instant.now()).toMillis());
    }

    /** The container, one tmp directory per sliver in its rootfs (root:root 1777 like a /tmp), one key per sliver. */
    private List<Sliver> prepare() throws IOException {
        TestSlivers lxc = new TestSlivers();
        container = freshName();
        lxc.create(container);
        Path rootfs = lxc.rootfs(container);
        List<Sliver> all = new ArrayList<>();
        for (int i = 0; i < SLIVERS; i++) {
            String name = freshName();
            Path tmp = Files.createDirectory(rootfs.resolve("tmp/s" + i));
            HostCommand.of("chmod", "1777", tmp.toString()).check();
            all.add(new Sliver(name, tmp, newPublicKey(name)));
        }
        return all;
    }

    /** Karaf's log and console output and every deploy client's output, replacing those of an earlier run. */
    private void keepLogs() throws IOException {
        Path clientLogs = LOGS.resolve("clients");
        if (Files.isDirectory(clientLogs)) {
            try (Stream<Path> old = Files.list(clientLogs)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        node.keepLogs(LOGS);
        Files.createDirectories(clientLogs);
        try (Stream<Path> outputs = Files.list(node.state())) {
            for (Path output : outputs.filter(file -> file.getFileName().toString().startsWith("deploy-")).toList()) {
                Files.copy(output, clientLogs.resolve(output.getFileName()));
            }
        }
    }

    /** Deletes the user (only if its home is below the private homeBase) and the group of a name this test chose. */
    private void deleteAccount(String name) {
        HostCommand.Result passwd = HostCommand.of("getent", "passwd", name).run();
        if (passwd.status() == 0) {
            Path home = Path.of(passwd.stdout().strip().split(":", -1)[5]);
            if (!home.startsWith(node.homeBase())) {
                throw new IllegalStateException("user " + name + " has home " + home + ", not below " + node.homeBase() + ": left alone");
            }
            HostCommand.of("userdel", "--", name).check();
        }
        if (HostCommand.of("getent", "group", name).run().status() == 0) {
            HostCommand.of("groupdel", "--", name).check();
        }
    }

    private static void attempt(List<String> left, String what, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            left.add(what + ": " + e.getMessage());
        }
    }

    /** Starts {@code bin/oob oob:deploy} for every sliver at once, each with its own output files. */
    private Map<Sliver, Process> deployAll(List<Sliver> batch, String round) throws IOException {
        Map<Sliver, Process> started = new LinkedHashMap<>();
        for (Sliver sliver : batch) {
            Process process = node.startOob(client(sliver, round, "out"), client(sliver, round, "err"),
                    deployArguments(sliver));
            clients.add(process);
            process.onExit().thenRun(this::wake);
            started.put(sliver, process);
        }
        return started;
    }

    /** The bin/oob arguments that deploy a sliver (options before the slice id, as Karaf wants). */
    private String[] deployArguments(Sliver sliver) {
        return new String[] {"oob:deploy", "--container", container, "--tmp", sliver.tmp().toString(), "--key", sliver.key(),
            "--timeout", DEPLOY_TIMEOUT_SECONDS, sliver.name()};
    }

    private Path client(Sliver sliver, String round, String stream) {
        return node.state().resolve("deploy-" + round + "-" + sliver.name() + "." + stream);
    }

    private long readyCount(List<Sliver> all) {
        return all.stream().filter(sliver -> printedReady(sliver, "first")).count();
    }

    private long deployingCount(List<Sliver> all) {
        return all.stream().filter(sliver -> "DEPLOYING".equals(phase(sliver))).count();
    }

    private long clientsSaying(List<Sliver> all, String text) {
        return all.stream().filter(sliver -> read(client(sliver, "first", "err")).contains(text)).count();
    }

    private boolean printedReady(Sliver sliver, String round) {
        return read(client(sliver, round, "out")).contains("slice " + sliver.name() + ": READY");
    }

    private void awaitExit(Iterable<Process> processes) throws InterruptedException {
        for (Process process : processes) {
            UnpackedDistribution.awaitExit(process.toHandle(), CLIENT);
        }
    }

    /**
     * Everything wrong with a sliver: empty if it is entirely absent (no record, user, group, home or mount)
     * or entirely there and READY (record, user and groups, home layout, keys, restricted mount of its tmp).
     */
    private List<String> inspect(Sliver sliver) {
        String name = sliver.name();
        Path home = node.homeBase().resolve(name);
        Properties record = record(sliver);
        HostCommand.Result passwd = HostCommand.of("getent", "passwd", name).run();
        HostCommand.Result group = HostCommand.of("getent", "group", name).run();
        boolean hasHome = Files.exists(home, LinkOption.NOFOLLOW_LINKS);
        List<MountTable.Mount> mounts = MountTable.read().atOrBelow(home);
        List<String> wrong = new ArrayList<>();
        String tmpNow = HostCommand.of("stat", "-c", "%U:%G %a", sliver.tmp().toString()).check().strip();
        if (!tmpNow.equals(TMP_OWNER_AND_MODE)) {
            wrong.add("the container's " + sliver.tmp() + " changed to " + tmpNow + " (was " + TMP_OWNER_AND_MODE + ")");
        }
        if (record == null && passwd.status() != 0 && group.status() != 0 && !hasHome && mounts.isEmpty()) {
            return wrong;
        }
        if (record == null) {
            wrong.add("no record");
        } else {
            expect(wrong, "record phase", "READY", record.getProperty("phase"));
            expect(wrong, "record container", container, record.getProperty("container"));
            expect(wrong, "record tmp", sliver.tmp().toString(), record.getProperty("tmp"));
            expect(wrong, "record key", sliver.key(), record.getProperty("key.0"));
        }
        if (passwd.status() != 0) {
            wrong.add("no user");
        } else {
            String[] fields = passwd.stdout().strip().split(":", -1);
            expect(wrong, "home in passwd", home.toString(), fields[5]);
            expect(wrong, "shell", "/bin/sh", fields[6]);
            expect(wrong, "groups", name + " " + SLIVER_GROUP, HostCommand.of("id", "-nG", name).run().stdout().strip());
        }
        if (group.status() != 0) {
            wrong.add("no group");
        }
        if (!hasHome) {
            wrong.add("no home");
        } else {
            Path ssh = home.resolve(".ssh");
            Path keys = ssh.resolve("authorized_keys");
            HostCommand.Result stat = HostCommand.of("stat", "-c", "%U:%G %a %F", home.toString(), ssh.toString(), keys.toString())
                    .run();
            expect(wrong, "stat of home, .ssh, authorized_keys",
                    String.join("\n", "root:" + name + " 750 directory", "root:" + name + " 750 directory",
                            "root:" + name + " 640 regular file"),
                    stat.stdout().strip() + stat.stderr().strip());
            expect(wrong, "home entries", List.of(".ssh", "tmp"), entries(home));
            expect(wrong, ".ssh entries", List.of("authorized_keys"), entries(ssh));
            expect(wrong, "authorized_keys", "restrict,pty " + sliver.key() + "\n", read(keys));
        }
        if (mounts.size() != 1 || !mounts.get(0).mountPoint().equals(home.resolve("tmp"))) {
            wrong.add("mounts below home: " + mounts.stream().map(mount -> mount.root() + " on " + mount.mountPoint()).toList());
        } else {
            MountTable.Mount mount = mounts.get(0);
            if (!mount.has("nosymfollow", "nosuid", "nodev", "noexec") || !mount.isPrivate()) {
                wrong.add("mount on " + mount.mountPoint() + " has options " + mount.options() + ", propagation " + mount.propagation());
            }
            if (!mount.root().endsWith(sliver.tmp().getParent().getFileName().resolve(sliver.tmp().getFileName()))) {
                wrong.add("mount on " + mount.mountPoint() + " shows " + mount.root() + ", not " + sliver.tmp());
            }
            String marker = "marker-" + name;
            try {
                Files.writeString(sliver.tmp().resolve(marker), name);
            } catch (IOException e) {
                wrong.add("cannot write " + sliver.tmp().resolve(marker) + ": " + e);
            }
            expect(wrong, "marker written in the container's tmp, read through the home", name,
                    read(home.resolve("tmp").resolve(marker)));
        }
        return wrong;
    }

    private void assertListShowsEveryone(List<Sliver> all) throws Exception {
        Result list = node.oob("oob:list");
        assertEquals("oob:list stderr", "", list.err());
        assertEquals("oob:list exit status", 0, list.status());
        List<String> lines = list.out().lines().toList();
        assertEquals("oob:list: header, separator and one row per sliver:\n" + list.out(), SLIVERS + 2, lines.size());
        List<String> header = cells(lines.get(0));
        Map<String, String> wanted = Map.of("Container", container, "Running", "no", "keys", "1", "mount", "yes", "user", "yes");
        Map<String, List<String>> rows = new TreeMap<>();
        for (String line : lines.subList(2, lines.size())) {
            List<String> row = cells(line);
            rows.put(row.get(0), row);
        }
        for (Sliver sliver : all) {
            List<String> row = rows.get(sliver.name());
            assertTrue("oob:list has a row for " + sliver.name() + ":\n" + list.out(), row != null);
            wanted.forEach((column, value) -> assertEquals("oob:list " + column + " of " + sliver.name(), value,
                    row.get(header.indexOf(column))));
        }
    }

    private static List<String> cells(String line) {
        return Stream.of(line.split("\\|", -1)).map(String::strip).toList();
    }

    /** The record of a sliver as the records bundle stored it, or null. */
    private Properties record(Sliver sliver) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(node.records().resolve(sliver.name() + ".sliver"))) {
            properties.load(in);
            return properties;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new AssertionError("cannot read the record of " + sliver.name(), e);
        }
    }

    private boolean recorded(Sliver sliver) {
        return record(sliver) != null;
    }

    /** The phase in the sliver's record, or null without one. */
    private String phase(Sliver sliver) {
        Properties record = record(sliver);
        return record == null ? null : record.getProperty("phase");
    }

    /** Per sliver at the moment of the kill: record phase, and which of user, group, home, mount exist. */
    private String snapshot(List<Sliver> all) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Sliver sliver : all) {
            Properties record = record(sliver);
            Path home = node.homeBase().resolve(sliver.name());
            String state = "record " + (record == null ? "none" : record.getProperty("phase"))
                    + (HostCommand.of("getent", "passwd", sliver.name()).run().status() == 0 ? " +user" : "")
                    + (HostCommand.of("getent", "group", sliver.name()).run().status() == 0 ? " +group" : "")
                    + (Files.exists(home.resolve(".ssh/authorized_keys"), LinkOption.NOFOLLOW_LINKS) ? " +keys file"
                    : Files.exists(home, LinkOption.NOFOLLOW_LINKS) ? " +home" : "")
                    + (MountTable.read().at(home.resolve("tmp")).isPresent() ? " +mount" : "");
            counts.merge(state, 1, Integer::sum);
        }
        return counts.toString();
    }

    /** Waits until the condition holds, checking it every {@link #PACE} and whenever a client ends. */
    private boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (monitor) {
            while (!condition.getAsBoolean()) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    return false;
                }
                monitor.wait(Math.min(left, PACE.toMillis()));
            }
            return true;
        }
    }

    private void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** A fresh "k" + 6 hex digits: no user, group, container or home of that name exists, here or in /home. */
    private String freshName() {
        while (true) {
            byte[] bytes = new byte[3];
            random.nextBytes(bytes);
            String name = "k" + HexFormat.of().formatHex(bytes);
            boolean taken = HostCommand.of("getent", "passwd", name).run().status() == 0
                    || HostCommand.of("getent", "group", name).run().status() == 0
                    || Files.exists(TestSlivers.LXC_PATH.resolve(name), LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(Path.of("/home", name), LinkOption.NOFOLLOW_LINKS);
            if (!taken && names.add(name)) {
                return name;
            }
        }
    }

    /** A new ed25519 public key line with the slice id in its comment. */
    private String newPublicKey(String name) throws IOException {
        return TestKey.generate(node.state().resolve("keys"), name, "admin@" + name).publicLine();
    }

    private static List<String> entries(Path directory) {
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("cannot list " + directory + ": " + e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "cannot read " + file + ": " + e;
        }
    }

    private static void expect(List<String> wrong, String what, Object wanted, Object found) {
        if (!wanted.equals(found)) {
            wrong.add(what + " is " + found + ", not " + wanted);
        }
    }

    private static String describe(Map<Sliver, List<String>> problems) {
        StringBuilder text = new StringBuilder();
        problems.forEach((sliver, wrong) -> {
            if (!wrong.isEmpty()) {
                text.append("\n  ").append(sliver.name()).append(": ").append(String.join("; ", wrong));
            }
        });
        return text.length() == 0 ? "none" : text.toString();
    }

    private static void log(String format, Object... args) {
        System.out.println("CrashRecoveryIT: " + String.format(format, args));
    }
}
